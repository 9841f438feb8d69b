package handler

import (
	"context"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/kitex/client/callopt"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/user"
	"github.com/douyin-go/douyin/pkg/rpc"
)

type userListResponse struct {
	Status
	UserList []*base.User `json:"user_list"`
}

// RelationAction serves /douyin/relation/action/.
func (h *Handler) RelationAction(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	req := &user.FollowRequest{UserId: auth.UserID(c), ToUserId: p.ID("to_user_id"), ActionType: p.ActionType(1, 2)}
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := h.rpc.User.Follow(ctx, req)
	reply(c, statusOf(rpc.Check(resp, err)))
}

// FollowList serves /douyin/relation/follow/list/.
func (h *Handler) FollowList(ctx context.Context, c *app.RequestContext) {
	h.relationList(ctx, c, h.rpc.User.FollowList)
}

// FollowerList serves /douyin/relation/follower/list/.
func (h *Handler) FollowerList(ctx context.Context, c *app.RequestContext) {
	h.relationList(ctx, c, h.rpc.User.FollowerList)
}

type relationListCall func(ctx context.Context, req *user.RelationListRequest, opts ...callopt.Option) (*user.RelationListResponse, error)

func (h *Handler) relationList(ctx context.Context, c *app.RequestContext, call relationListCall) {
	p := paramsOf(c)
	req := &user.RelationListRequest{ViewerId: auth.UserID(c), UserId: p.ID("user_id")}
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := call(ctx, req)
	if err := rpc.Check(resp, err); err != nil {
		fail(c, err)
		return
	}
	reply(c, userListResponse{Status: ok(), UserList: nonNil(resp.Users)})
}
