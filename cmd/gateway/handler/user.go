package handler

import (
	"context"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/user"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// credentialsResponse always carries user_id and token, 0 and "" on error,
// as the client expects.
type credentialsResponse struct {
	Status
	UserID int64  `json:"user_id"`
	Token  string `json:"token"`
}

type userResponse struct {
	Status
	User *base.User `json:"user"`
}

// Register serves /douyin/user/register/.
func (h *Handler) Register(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	resp, err := h.rpc.User.Register(ctx, &user.RegisterRequest{Username: p.String("username"), Password: p.String("password")})
	h.replyCredentials(c, resp, err)
}

// Login serves /douyin/user/login/. An account whose failed logins used
// up their budget refuses every login until it has room again.
func (h *Handler) Login(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	req := &user.LoginRequest{Username: p.String("username"), Password: p.String("password")}
	if err := h.limits.CheckLogin(ctx, req.Username); err != nil {
		reply(c, credentialsResponse{Status: statusOf(err)})
		return
	}
	resp, err := h.rpc.User.Login(ctx, req)
	h.limits.RecordLogin(ctx, req.Username, rpc.Check(resp, err))
	h.replyCredentials(c, resp, err)
}

// credentials is the outcome of register and login.
type credentials interface {
	rpc.Response
	GetUserId() int64
}

// replyCredentials answers with the user's id and a fresh token, or with
// the error and user_id 0, token "".
func (h *Handler) replyCredentials(c *app.RequestContext, resp credentials, err error) {
	if err := rpc.Check(resp, err); err != nil {
		reply(c, credentialsResponse{Status: statusOf(err)})
		return
	}
	token, err := h.auth.Issue(resp.GetUserId())
	if err != nil {
		reply(c, credentialsResponse{Status: statusOf(err)})
		return
	}
	reply(c, credentialsResponse{Status: ok(), UserID: resp.GetUserId(), Token: token})
}

// UserInfo serves /douyin/user/; without user_id it shows the token's user.
func (h *Handler) UserInfo(ctx context.Context, c *app.RequestContext) {
	serve(ctx, c, bindUserInfo, h.rpc.User.GetUser, func(r *user.GetUserResponse) any {
		return userResponse{Status: ok(), User: r.User}
	})
}

func bindUserInfo(p *params, c *app.RequestContext) *user.GetUserRequest {
	viewer := auth.UserID(c)
	return &user.GetUserRequest{ViewerId: viewer, UserId: p.Int64("user_id", viewer)}
}
