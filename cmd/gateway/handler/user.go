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
	req := &user.RegisterRequest{Username: p.String("username"), Password: p.String("password")}
	resp, err := h.rpc.User.Register(ctx, req)
	if err := rpc.Check(resp, err); err != nil {
		h.replyCredentials(c, 0, err)
		return
	}
	h.replyCredentials(c, resp.UserId, nil)
}

// Login serves /douyin/user/login/.
func (h *Handler) Login(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	req := &user.LoginRequest{Username: p.String("username"), Password: p.String("password")}
	resp, err := h.rpc.User.Login(ctx, req)
	if err := rpc.Check(resp, err); err != nil {
		h.replyCredentials(c, 0, err)
		return
	}
	h.replyCredentials(c, resp.UserId, nil)
}

func (h *Handler) replyCredentials(c *app.RequestContext, userID int64, err error) {
	if err != nil {
		reply(c, credentialsResponse{Status: statusOf(err)})
		return
	}
	token, err := h.auth.Issue(userID)
	if err != nil {
		reply(c, credentialsResponse{Status: statusOf(err)})
		return
	}
	reply(c, credentialsResponse{Status: ok(), UserID: userID, Token: token})
}

// UserInfo serves /douyin/user/; without user_id it shows the token's user.
func (h *Handler) UserInfo(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	viewer := auth.UserID(c)
	id := p.Int64("user_id", viewer)
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := h.rpc.User.GetUser(ctx, &user.GetUserRequest{ViewerId: viewer, UserId: id})
	if err := rpc.Check(resp, err); err != nil {
		fail(c, err)
		return
	}
	reply(c, userResponse{Status: ok(), User: resp.User})
}
