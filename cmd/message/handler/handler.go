// Package handler is the message service's Kitex handler: it converts RPC
// requests to use-case calls and results back, nothing more.
package handler

import (
	"context"
	"log/slog"

	"github.com/douyin-go/douyin/cmd/message/service"
	"github.com/douyin-go/douyin/kitex_gen/message"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// Handler implements message.MessageService.
type Handler struct {
	rpc.ServiceHandler[*service.Service]
}

// New wraps svc; log receives failures that are not business errors.
func New(svc *service.Service, log *slog.Logger) *Handler {
	return &Handler{rpc.NewServiceHandler(svc, log)}
}

func (h *Handler) SendMessage(ctx context.Context, req *message.SendMessageRequest) (*message.SendMessageResponse, error) {
	err := h.Svc.SendMessage(ctx, req.FromUserId, req.ToUserId, req.ActionType, req.Content)
	return &message.SendMessageResponse{BaseResp: h.BaseResp(ctx, err)}, nil
}

func (h *Handler) Chat(ctx context.Context, req *message.ChatRequest) (*message.ChatResponse, error) {
	msgs, info, err := h.Svc.Chat(ctx, req.UserId, req.ToUserId, req.PreMsgTime, req.Page)
	return &message.ChatResponse{BaseResp: h.BaseResp(ctx, err), Messages: msgs, PageInfo: info}, nil
}

func (h *Handler) LatestMessages(ctx context.Context, req *message.LatestMessagesRequest) (*message.LatestMessagesResponse, error) {
	msgs, err := h.Svc.LatestMessages(ctx, req.UserId, req.PeerIds)
	return &message.LatestMessagesResponse{BaseResp: h.BaseResp(ctx, err), Messages: msgs}, nil
}
