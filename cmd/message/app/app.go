// Package app assembles the message service from its parts; the message
// binary and the all-in-one process both start it from here.
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

// Component is the message service as a process runs it.
func Component() boot.Component {
	return boot.Component{Name: rpc.MessageService, Needs: boot.NeedDatabase, Migrate: dal.Migrate, Build: build}
}

// App is a ready-to-run message service.
type App struct {
	deps    *boot.Deps
	handler *handler.Handler
}

// build wires the service. Receivers are
// checked through the user service (its client connects on first call, so
// the user service may start later).
func build(_ context.Context, deps *boot.Deps) (boot.Runner, error) {
	clients, err := deps.Clients()
	if err != nil {
		return nil, err
	}
	svc := service.New(service.Deps{
		Messages: dal.NewMessages(deps.DB),
		Users:    remote.Users{Client: clients.User},
	}, service.Options{})
	return &App{deps: deps, handler: handler.New(svc, deps.Log)}, nil
}

// Run serves RPCs until ctx ends.
func (a *App) Run(ctx context.Context) error {
	svr := messageservice.NewServer(a.handler, server.WithSuite(a.deps.ServerSuite(a.deps.Config.Services.Message)))
	return a.deps.Serve(ctx, svr, boot.Background{})
}
