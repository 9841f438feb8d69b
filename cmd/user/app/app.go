// Package app assembles the user service from its parts; the user binary
// and the embedded all-in-one process both start it from here.
package app

import (
	"context"

	"github.com/cloudwego/kitex/server"
	"golang.org/x/crypto/bcrypt"

	"github.com/douyin-go/douyin/cmd/user/consumer"
	"github.com/douyin-go/douyin/cmd/user/dal"
	"github.com/douyin-go/douyin/cmd/user/handler"
	"github.com/douyin-go/douyin/cmd/user/service"
	"github.com/douyin-go/douyin/kitex_gen/user/userservice"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// App is a ready-to-run user service.
type App struct {
	deps     *boot.Deps
	outbox   *eventbus.Outbox
	consumer *eventbus.Consumer
	handler  *handler.Handler
}

// New migrates the user tables and wires the service.
func New(deps *boot.Deps) (*App, error) {
	outbox := eventbus.NewOutbox("user_outbox")
	users := dal.NewUsers(deps.DB, deps.Cache)
	applied := eventbus.NewApplied(deps.Cache)
	cons := consumer.New(deps.DB, users, applied, deps.Log)
	for _, migrate := range []func() error{
		func() error { return dal.Migrate(deps.DB) },
		func() error { return outbox.Migrate(deps.DB) },
		func() error { return cons.Migrate(deps.DB) },
	} {
		if err := migrate(); err != nil {
			return nil, err
		}
	}
	base := deps.Config.PublicBase()
	svc := service.New(users, dal.NewRelations(deps.DB, outbox), applied, service.Options{
		AvatarURL:     base + "/static/avatar.png",
		BackgroundURL: base + "/static/background.png",
		BcryptCost:    bcrypt.DefaultCost,
		CounterGroups: []string{consumer.Group},
		CounterWait:   deps.Config.CounterWait(),
	})
	return &App{deps: deps, outbox: outbox, consumer: cons, handler: handler.New(svc)}, nil
}

// Run serves RPCs, relays the outbox and consumes counter events until ctx ends.
func (a *App) Run(ctx context.Context, suite rpc.ServerSuite) error {
	return a.deps.Serve(ctx, userservice.NewServer(a.handler, server.WithSuite(suite)), a.outbox, a.consumer)
}
