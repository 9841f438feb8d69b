package handler

import (
	"context"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/message"
)

type chatResponse struct {
	Status
	MessageList []*base.Message `json:"message_list"`
	PageInfo
}

// MessageAction serves /douyin/message/action/: the token's user sends
// content to to_user_id.
func (h *Handler) MessageAction(ctx context.Context, c *app.RequestContext) {
	serve(ctx, c, bindMessageAction, h.rpc.Message.SendMessage, statusOnly[*message.SendMessageResponse])
}

func bindMessageAction(p *params, c *app.RequestContext) *message.SendMessageRequest {
	return &message.SendMessageRequest{
		FromUserId: auth.UserID(c),
		ToUserId:   p.ID("to_user_id"),
		ActionType: p.ActionType(1),
		Content:    p.RequiredString("content"),
	}
}

// MessageChat serves /douyin/message/chat/: the token's user's conversation
// with to_user_id. pre_msg_time goes through as sent; the message service
// applies the seconds-or-milliseconds rule.
func (h *Handler) MessageChat(ctx context.Context, c *app.RequestContext) {
	serve(ctx, c, bindMessageChat, h.rpc.Message.Chat, func(r *message.ChatResponse) any {
		return chatResponse{Status: ok(), MessageList: nonNil(r.Messages), PageInfo: pageInfoOf(r.PageInfo)}
	})
}

func bindMessageChat(p *params, c *app.RequestContext) *message.ChatRequest {
	return &message.ChatRequest{UserId: auth.UserID(c), ToUserId: p.ID("to_user_id"), PreMsgTime: p.Int64("pre_msg_time", 0), Page: p.Page()}
}
