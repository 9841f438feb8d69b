// Package app assembles the message service from its parts; the message
// binary and the embedded all-in-one process both start it from here.
package app

import (
	"context"

	"github.com/cloudwego/kitex/server"

	"github.com/douyin-go/douyin/cmd/message/dal"
	"github.com/douyin-go/douyin/cmd/message/handler"
	"github.com/douyin-go/douyin/cmd/message/service"
	"github.com/douyin-go/douyin/kitex_gen/message/messageservice"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/remote"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// App is a ready-to-run message service.
type App struct {
	handler *handler.Handler
}

// New migrates the message tables and wires the service. Receivers are
// checked through the user service, reached at the address in deps.Config
// (the client connects on first call, so the user service may start later).
func New(deps *boot.Deps) (*App, error) {
	if err := dal.Migrate(deps.DB); err != nil {
		return nil, err
	}
	clients, err := deps.Clients()
	if err != nil {
		return nil, err
	}
	svc := service.New(dal.NewMessages(deps.DB), remote.Users{Client: clients.User}, nil)
	return &App{handler: handler.New(svc)}, nil
}

// Run serves RPCs until ctx ends.
func (a *App) Run(ctx context.Context, suite rpc.ServerSuite) error {
	return rpc.Serve(ctx, messageservice.NewServer(a.handler, server.WithSuite(suite)))
}
