package handler

import (
	"context"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/message"
	"github.com/douyin-go/douyin/pkg/rpc"
)

type chatResponse struct {
	Status
	MessageList []*base.Message `json:"message_list"`
}

// MessageAction serves /douyin/message/action/: the token's user sends
// content to to_user_id.
func (h *Handler) MessageAction(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	req := &message.SendMessageRequest{
		FromUserId: auth.UserID(c),
		ToUserId:   p.ID("to_user_id"),
		ActionType: p.ActionType(1),
		Content:    p.RequiredString("content"),
	}
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := h.rpc.Message.SendMessage(ctx, req)
	reply(c, statusOf(rpc.Check(resp, err)))
}

// MessageChat serves /douyin/message/chat/: the token's user's conversation
// with to_user_id. pre_msg_time goes through as sent; the message service
// applies the seconds-or-milliseconds rule.
func (h *Handler) MessageChat(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	req := &message.ChatRequest{UserId: auth.UserID(c), ToUserId: p.ID("to_user_id"), PreMsgTime: p.Int64("pre_msg_time", 0)}
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := h.rpc.Message.Chat(ctx, req)
	if err := rpc.Check(resp, err); err != nil {
		fail(c, err)
		return
	}
	reply(c, chatResponse{Status: ok(), MessageList: nonNil(resp.Messages)})
}
