// Package handler is the user service's Kitex handler: it converts RPC
// requests to use-case calls and results back, nothing more.
package handler

import (
	"context"
	"log/slog"

	"github.com/douyin-go/douyin/cmd/user/service"
	"github.com/douyin-go/douyin/kitex_gen/user"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// Handler implements user.UserService.
type Handler struct {
	rpc.ServiceHandler[*service.Service]
}

// New wraps svc; log receives failures that are not business errors.
func New(svc *service.Service, log *slog.Logger) *Handler {
	return &Handler{rpc.NewServiceHandler(svc, log)}
}

func (h *Handler) Register(ctx context.Context, req *user.RegisterRequest) (*user.RegisterResponse, error) {
	id, err := h.Svc.Register(ctx, req.Username, req.Password)
	return &user.RegisterResponse{BaseResp: h.BaseResp(ctx, err), UserId: id}, nil
}

func (h *Handler) Login(ctx context.Context, req *user.LoginRequest) (*user.LoginResponse, error) {
	id, err := h.Svc.Login(ctx, req.Username, req.Password)
	return &user.LoginResponse{BaseResp: h.BaseResp(ctx, err), UserId: id}, nil
}

func (h *Handler) GetUser(ctx context.Context, req *user.GetUserRequest) (*user.GetUserResponse, error) {
	u, err := h.Svc.GetUser(ctx, req.ViewerId, req.UserId)
	return &user.GetUserResponse{BaseResp: h.BaseResp(ctx, err), User: u}, nil
}

func (h *Handler) MGetUsers(ctx context.Context, req *user.MGetUsersRequest) (*user.MGetUsersResponse, error) {
	users, err := h.Svc.MGetUsers(ctx, req.ViewerId, req.UserIds)
	return &user.MGetUsersResponse{BaseResp: h.BaseResp(ctx, err), Users: users}, nil
}

func (h *Handler) Follow(ctx context.Context, req *user.FollowRequest) (*user.FollowResponse, error) {
	err := h.Svc.Follow(ctx, req.UserId, req.ToUserId, req.ActionType)
	return &user.FollowResponse{BaseResp: h.BaseResp(ctx, err)}, nil
}

func (h *Handler) FollowList(ctx context.Context, req *user.RelationListRequest) (*user.RelationListResponse, error) {
	users, info, err := h.Svc.FollowList(ctx, req.ViewerId, req.UserId, req.Page)
	return &user.RelationListResponse{BaseResp: h.BaseResp(ctx, err), Users: users, PageInfo: info}, nil
}

func (h *Handler) FollowerList(ctx context.Context, req *user.RelationListRequest) (*user.RelationListResponse, error) {
	users, info, err := h.Svc.FollowerList(ctx, req.ViewerId, req.UserId, req.Page)
	return &user.RelationListResponse{BaseResp: h.BaseResp(ctx, err), Users: users, PageInfo: info}, nil
}

func (h *Handler) FriendList(ctx context.Context, req *user.RelationListRequest) (*user.RelationListResponse, error) {
	users, info, err := h.Svc.FriendList(ctx, req.ViewerId, req.UserId, req.Page)
	return &user.RelationListResponse{BaseResp: h.BaseResp(ctx, err), Users: users, PageInfo: info}, nil
}
