package handler

import (
	"github.com/douyin-go/douyin/pkg/auth"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// Handler serves the HTTP routes with the RPC clients of every service.
type Handler struct {
	rpc  *rpc.Clients
	auth *auth.Auth
	// MaxUploadBytes limits publish uploads.
	maxUploadBytes int64
}

// New builds the handlers.
func New(clients *rpc.Clients, a *auth.Auth, maxUploadBytes int64) *Handler {
	return &Handler{rpc: clients, auth: a, maxUploadBytes: maxUploadBytes}
}
