package handler_test

import (
	"context"

	"github.com/cloudwego/kitex/client/callopt"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/interaction"
	"github.com/douyin-go/douyin/kitex_gen/interaction/interactionservice"
	"github.com/douyin-go/douyin/kitex_gen/message"
	"github.com/douyin-go/douyin/kitex_gen/message/messageservice"
	"github.com/douyin-go/douyin/kitex_gen/user"
	"github.com/douyin-go/douyin/kitex_gen/user/userservice"
	"github.com/douyin-go/douyin/pkg/errno"
)

// rightPassword is the one password fakeUserClient accepts.
const rightPassword = "right-password"

// fakeUserClient registers anyone and logs in anyone with rightPassword.
// Methods not used by these tests panic.
type fakeUserClient struct{ userservice.Client }

func (fakeUserClient) Register(context.Context, *user.RegisterRequest, ...callopt.Option) (*user.RegisterResponse, error) {
	return &user.RegisterResponse{BaseResp: errno.ToBaseResp(nil), UserId: userID}, nil
}

func (fakeUserClient) Login(_ context.Context, req *user.LoginRequest, _ ...callopt.Option) (*user.LoginResponse, error) {
	if req.Password != rightPassword {
		return &user.LoginResponse{BaseResp: errno.ToBaseResp(errno.LoginFailed)}, nil
	}
	return &user.LoginResponse{BaseResp: errno.ToBaseResp(nil), UserId: userID}, nil
}

func (fakeUserClient) Follow(context.Context, *user.FollowRequest, ...callopt.Option) (*user.FollowResponse, error) {
	return &user.FollowResponse{BaseResp: errno.ToBaseResp(nil)}, nil
}

// fakeInteractionClient accepts every like and comment.
type fakeInteractionClient struct{ interactionservice.Client }

func (fakeInteractionClient) FavoriteAction(context.Context, *interaction.FavoriteActionRequest, ...callopt.Option) (*interaction.FavoriteActionResponse, error) {
	return &interaction.FavoriteActionResponse{BaseResp: errno.ToBaseResp(nil)}, nil
}

func (fakeInteractionClient) CommentAction(_ context.Context, req *interaction.CommentActionRequest, _ ...callopt.Option) (*interaction.CommentActionResponse, error) {
	return &interaction.CommentActionResponse{BaseResp: errno.ToBaseResp(nil), Comment: &base.Comment{Id: 1, Content: req.CommentText}}, nil
}

// fakeMessageClient accepts every message.
type fakeMessageClient struct{ messageservice.Client }

func (fakeMessageClient) SendMessage(context.Context, *message.SendMessageRequest, ...callopt.Option) (*message.SendMessageResponse, error) {
	return &message.SendMessageResponse{BaseResp: errno.ToBaseResp(nil)}, nil
}
