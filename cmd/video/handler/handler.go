// Package handler is the video service's Kitex handler: it converts RPC
// requests to use-case calls and results back, nothing more.
package handler

import (
	"context"
	"log/slog"

	"github.com/douyin-go/douyin/cmd/video/service"
	"github.com/douyin-go/douyin/kitex_gen/video"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// Handler implements video.VideoService.
type Handler struct {
	rpc.ServiceHandler[*service.Service]
}

// New wraps svc; log receives failures that are not business errors.
func New(svc *service.Service, log *slog.Logger) *Handler {
	return &Handler{rpc.NewServiceHandler(svc, log)}
}

func (h *Handler) Publish(ctx context.Context, req *video.PublishRequest) (*video.PublishResponse, error) {
	id, err := h.Svc.Publish(ctx, req.AuthorId, req.Title, req.UploadKey)
	return &video.PublishResponse{BaseResp: h.BaseResp(ctx, err), VideoId: id}, nil
}

func (h *Handler) Feed(ctx context.Context, req *video.FeedRequest) (*video.FeedResponse, error) {
	videos, next, err := h.Svc.Feed(ctx, req.ViewerId, req.LatestTime)
	return &video.FeedResponse{BaseResp: h.BaseResp(ctx, err), Videos: videos, NextTime: next}, nil
}

func (h *Handler) PublishList(ctx context.Context, req *video.PublishListRequest) (*video.PublishListResponse, error) {
	videos, info, err := h.Svc.PublishList(ctx, req.ViewerId, req.UserId, req.Page)
	return &video.PublishListResponse{BaseResp: h.BaseResp(ctx, err), Videos: videos, PageInfo: info}, nil
}

func (h *Handler) MGetVideos(ctx context.Context, req *video.MGetVideosRequest) (*video.MGetVideosResponse, error) {
	mget := h.Svc.MGetVideos
	if req.WithoutIsFavorite {
		mget = h.Svc.MGetVideosWithoutLikes
	}
	videos, err := mget(ctx, req.ViewerId, req.VideoIds)
	return &video.MGetVideosResponse{BaseResp: h.BaseResp(ctx, err), Videos: videos}, nil
}

func (h *Handler) VideoAuthors(ctx context.Context, req *video.VideoAuthorsRequest) (*video.VideoAuthorsResponse, error) {
	authors, err := h.Svc.VideoAuthors(ctx, req.VideoIds)
	return &video.VideoAuthorsResponse{BaseResp: h.BaseResp(ctx, err), AuthorIds: authors}, nil
}
