// Package app assembles the interaction service from its parts; the
// interaction binary and the embedded all-in-one process both start it
// from here.
package app

import (
	"context"

	"github.com/cloudwego/kitex/server"

	// The zone database is compiled in, so comment dates are right in
	// minimal containers without /usr/share/zoneinfo.

	"github.com/douyin-go/douyin/cmd/interaction/dal"
	"github.com/douyin-go/douyin/cmd/interaction/handler"
	"github.com/douyin-go/douyin/cmd/interaction/service"
	"github.com/douyin-go/douyin/kitex_gen/interaction/interactionservice"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/remote"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// App is a ready-to-run interaction service. It has no consumer: it only
// publishes like and comment events, which the video and user services
// count.
type App struct {
	deps    *boot.Deps
	outbox  *eventbus.Outbox
	handler *handler.Handler
}

// New migrates the interaction tables and wires the service to the video
// and user services.
func New(deps *boot.Deps) (*App, error) {
	loc, err := deps.Config.Location()
	if err != nil {
		return nil, err
	}
	clients, err := deps.Clients()
	if err != nil {
		return nil, err
	}
	outbox := eventbus.NewOutbox(dal.OutboxTable)
	for _, migrate := range []func() error{
		func() error { return dal.Migrate(deps.DB) },
		func() error { return outbox.Migrate(deps.DB) },
	} {
		if err := migrate(); err != nil {
			return nil, err
		}
	}
	svc := service.New(
		dal.NewFavorites(deps.DB, outbox),
		dal.NewComments(deps.DB, outbox),
		remote.Videos{Client: clients.Video},
		remote.Users{Client: clients.User},
		eventbus.NewApplied(deps.Cache),
		service.Options{
			Location:       loc,
			FavoriteGroups: []string{events.GroupVideoCounters, events.GroupUserCounters},
			CommentGroups:  []string{events.GroupVideoCounters},
			CounterWait:    deps.Config.CounterWait(),
		})
	return &App{deps: deps, outbox: outbox, handler: handler.New(svc, deps.Log)}, nil
}

// Run serves RPCs and relays the outbox until ctx ends.
func (a *App) Run(ctx context.Context, suite rpc.ServerSuite) error {
	return a.deps.Serve(ctx, interactionservice.NewServer(a.handler, server.WithSuite(suite)), a.outbox, nil)
}
