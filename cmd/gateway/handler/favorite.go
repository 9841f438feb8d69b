package handler

import (
	"context"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/kitex_gen/interaction"
)

// FavoriteAction serves /douyin/favorite/action/.
func (h *Handler) FavoriteAction(ctx context.Context, c *app.RequestContext) {
	serve(ctx, c, bindFavoriteAction, h.rpc.Interaction.FavoriteAction, statusOnly[*interaction.FavoriteActionResponse])
}

func bindFavoriteAction(p *params, c *app.RequestContext) *interaction.FavoriteActionRequest {
	return &interaction.FavoriteActionRequest{UserId: auth.UserID(c), VideoId: p.ID("video_id"), ActionType: p.ActionType(1, 2)}
}

// FavoriteList serves /douyin/favorite/list/: the videos user_id likes,
// most recently liked first.
func (h *Handler) FavoriteList(ctx context.Context, c *app.RequestContext) {
	serve(ctx, c, bindFavoriteList, h.rpc.Interaction.FavoriteList, func(r *interaction.FavoriteListResponse) any {
		return videoListOf(r.Videos, r.PageInfo)
	})
}

func bindFavoriteList(p *params, c *app.RequestContext) *interaction.FavoriteListRequest {
	return &interaction.FavoriteListRequest{ViewerId: auth.UserID(c), UserId: p.ID("user_id"), Page: p.Page()}
}
