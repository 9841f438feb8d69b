// Package handler is the user service's Kitex handler: it converts RPC
// requests to use-case calls and results back, nothing more.
package handler

import (
	"context"
	"log/slog"

	"github.com/douyin-go/douyin/cmd/user/service"
	"github.com/douyin-go/douyin/kitex_gen/user"
	"github.com/douyin-go/douyin/pkg/errno"
)

// Handler implements user.UserService.
type Handler struct {
	svc    *service.Service
	report errno.Reporter
}

// New wraps svc; log receives failures that are not business errors.
func New(svc *service.Service, log *slog.Logger) *Handler {
	return &Handler{svc: svc, report: errno.Reporter{Log: log}}
}

func (h *Handler) Register(ctx context.Context, req *user.RegisterRequest) (*user.RegisterResponse, error) {
	id, err := h.svc.Register(ctx, req.Username, req.Password)
	return &user.RegisterResponse{BaseResp: h.report.BaseResp(ctx, err), UserId: id}, nil
}

func (h *Handler) Login(ctx context.Context, req *user.LoginRequest) (*user.LoginResponse, error) {
	id, err := h.svc.Login(ctx, req.Username, req.Password)
	return &user.LoginResponse{BaseResp: h.report.BaseResp(ctx, err), UserId: id}, nil
}

func (h *Handler) GetUser(ctx context.Context, req *user.GetUserRequest) (*user.GetUserResponse, error) {
	u, err := h.svc.GetUser(ctx, req.ViewerId, req.UserId)
	return &user.GetUserResponse{BaseResp: h.report.BaseResp(ctx, err), User: u}, nil
}

func (h *Handler) MGetUsers(ctx context.Context, req *user.MGetUsersRequest) (*user.MGetUsersResponse, error) {
	users, err := h.svc.MGetUsers(ctx, req.ViewerId, req.UserIds)
	return &user.MGetUsersResponse{BaseResp: h.report.BaseResp(ctx, err), Users: users}, nil
}

func (h *Handler) Follow(ctx context.Context, req *user.FollowRequest) (*user.FollowResponse, error) {
	err := h.svc.Follow(ctx, req.UserId, req.ToUserId, req.ActionType)
	return &user.FollowResponse{BaseResp: h.report.BaseResp(ctx, err)}, nil
}

func (h *Handler) FollowList(ctx context.Context, req *user.RelationListRequest) (*user.RelationListResponse, error) {
	users, err := h.svc.FollowList(ctx, req.ViewerId, req.UserId)
	return &user.RelationListResponse{BaseResp: h.report.BaseResp(ctx, err), Users: users}, nil
}

func (h *Handler) FollowerList(ctx context.Context, req *user.RelationListRequest) (*user.RelationListResponse, error) {
	users, err := h.svc.FollowerList(ctx, req.ViewerId, req.UserId)
	return &user.RelationListResponse{BaseResp: h.report.BaseResp(ctx, err), Users: users}, nil
}

func (h *Handler) FriendList(ctx context.Context, req *user.RelationListRequest) (*user.RelationListResponse, error) {
	users, err := h.svc.FriendList(ctx, req.ViewerId, req.UserId)
	return &user.RelationListResponse{BaseResp: h.report.BaseResp(ctx, err), Users: users}, nil
}
