package handler

import (
	"context"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/interaction"
	"github.com/douyin-go/douyin/pkg/rpc"
)

type favoriteListResponse struct {
	Status
	VideoList []*base.Video `json:"video_list"`
}

// FavoriteAction serves /douyin/favorite/action/.
func (h *Handler) FavoriteAction(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	req := &interaction.FavoriteActionRequest{UserId: auth.UserID(c), VideoId: p.ID("video_id"), ActionType: p.ActionType(1, 2)}
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := h.rpc.Interaction.FavoriteAction(ctx, req)
	reply(c, statusOf(rpc.Check(resp, err)))
}

// FavoriteList serves /douyin/favorite/list/: the videos user_id likes,
// most recently liked first.
func (h *Handler) FavoriteList(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	req := &interaction.FavoriteListRequest{ViewerId: auth.UserID(c), UserId: p.ID("user_id")}
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := h.rpc.Interaction.FavoriteList(ctx, req)
	if err := rpc.Check(resp, err); err != nil {
		fail(c, err)
		return
	}
	reply(c, favoriteListResponse{Status: ok(), VideoList: nonNil(resp.Videos)})
}
