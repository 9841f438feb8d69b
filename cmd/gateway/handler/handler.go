package handler

import (
	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/pkg/rpc"
	"github.com/douyin-go/douyin/pkg/storage"
)

// Handler serves the HTTP routes with the RPC clients of every service.
type Handler struct {
	rpc  *rpc.Clients
	auth *auth.Auth
	// store serves media and stages uploads.
	store storage.Objects
	// maxUploadBytes limits publish uploads.
	maxUploadBytes int64
}

// New builds the handlers.
func New(clients *rpc.Clients, a *auth.Auth, store storage.Objects, maxUploadBytes int64) *Handler {
	return &Handler{rpc: clients, auth: a, store: store, maxUploadBytes: maxUploadBytes}
}
