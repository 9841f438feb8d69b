package handler

import (
	"time"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/cmd/gateway/ratelimit"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/rpc"
	"github.com/douyin-go/douyin/pkg/storage"
)

// Deps are what the handlers are built from.
type Deps struct {
	RPC  *rpc.Clients
	Auth *auth.Auth
	// Objects serves media and stages uploads.
	Objects storage.Objects
	// Limits are the per-client rate limits (nil: none).
	Limits *ratelimit.Limiter
	// Upload bounds publishing; ReadTimeout is the server's wait for a
	// stalled client.
	Upload      config.Upload
	ReadTimeout time.Duration
}

// Handler serves the HTTP routes with the RPC clients of every service.
type Handler struct {
	rpc         *rpc.Clients
	auth        *auth.Auth
	store       storage.Objects
	limits      *ratelimit.Limiter
	uploads     *ratelimit.Uploads
	upload      config.Upload
	readTimeout time.Duration
}

// New builds the handlers.
func New(d Deps) *Handler {
	return &Handler{
		rpc: d.RPC, auth: d.Auth, store: d.Objects, limits: d.Limits,
		uploads: ratelimit.NewUploads(d.Upload.MaxConcurrent, d.Upload.MaxConcurrentPerUser),
		upload:  d.Upload, readTimeout: d.ReadTimeout,
	}
}
