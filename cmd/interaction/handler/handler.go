// Package handler is the interaction service's Kitex handler: it converts
// RPC requests to use-case calls and results back, nothing more.
package handler

import (
	"context"
	"log/slog"

	"github.com/douyin-go/douyin/cmd/interaction/service"
	"github.com/douyin-go/douyin/kitex_gen/interaction"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// Handler implements interaction.InteractionService.
type Handler struct {
	rpc.ServiceHandler[*service.Service]
}

// New wraps svc; log receives failures that are not business errors.
func New(svc *service.Service, log *slog.Logger) *Handler {
	return &Handler{rpc.NewServiceHandler(svc, log)}
}

func (h *Handler) FavoriteAction(ctx context.Context, req *interaction.FavoriteActionRequest) (*interaction.FavoriteActionResponse, error) {
	err := h.Svc.FavoriteAction(ctx, req.UserId, req.VideoId, req.ActionType)
	return &interaction.FavoriteActionResponse{BaseResp: h.BaseResp(ctx, err)}, nil
}

func (h *Handler) FavoriteList(ctx context.Context, req *interaction.FavoriteListRequest) (*interaction.FavoriteListResponse, error) {
	videos, info, err := h.Svc.FavoriteList(ctx, req.ViewerId, req.UserId, req.Page)
	return &interaction.FavoriteListResponse{BaseResp: h.BaseResp(ctx, err), Videos: videos, PageInfo: info}, nil
}

func (h *Handler) MIsFavorite(ctx context.Context, req *interaction.MIsFavoriteRequest) (*interaction.MIsFavoriteResponse, error) {
	liked, err := h.Svc.MIsFavorite(ctx, req.UserId, req.VideoIds)
	return &interaction.MIsFavoriteResponse{BaseResp: h.BaseResp(ctx, err), IsFavorite: liked}, nil
}

func (h *Handler) CommentAction(ctx context.Context, req *interaction.CommentActionRequest) (*interaction.CommentActionResponse, error) {
	c, err := h.Svc.CommentAction(ctx, req.UserId, req.VideoId, req.ActionType, req.CommentText, req.CommentId)
	return &interaction.CommentActionResponse{BaseResp: h.BaseResp(ctx, err), Comment: c}, nil
}

func (h *Handler) CommentList(ctx context.Context, req *interaction.CommentListRequest) (*interaction.CommentListResponse, error) {
	comments, info, err := h.Svc.CommentList(ctx, req.ViewerId, req.VideoId, req.Page)
	return &interaction.CommentListResponse{BaseResp: h.BaseResp(ctx, err), Comments: comments, PageInfo: info}, nil
}
