// Package app assembles the video service from its parts; the video binary
// and the embedded all-in-one process both start it from here.
package app

import (
	"context"
	"time"

	"github.com/cloudwego/kitex/server"

	"github.com/douyin-go/douyin/cmd/video/consumer"
	"github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/cmd/video/handler"
	"github.com/douyin-go/douyin/cmd/video/media"
	"github.com/douyin-go/douyin/cmd/video/service"
	"github.com/douyin-go/douyin/kitex_gen/video/videoservice"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/remote"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// App is a ready-to-run video service.
type App struct {
	deps     *boot.Deps
	outbox   *eventbus.Outbox
	consumer *eventbus.Consumer
	svc      *service.Service
	handler  *handler.Handler
}

// New migrates the video tables and wires the service.
func New(deps *boot.Deps) (*App, error) {
	prober, err := media.NewProber()
	if err != nil {
		return nil, err
	}
	objects, err := boot.OpenStorage(context.Background(), deps.Config)
	if err != nil {
		return nil, err
	}
	clients, err := deps.Clients()
	if err != nil {
		return nil, err
	}
	outbox := eventbus.NewOutbox("video_outbox")
	videos := dal.NewVideos(deps.DB, outbox, deps.Cache)
	applied := eventbus.NewApplied(deps.Cache)
	cons := consumer.New(deps.DB, videos, applied, deps.Log)
	for _, migrate := range []func() error{
		func() error { return dal.Migrate(deps.DB) },
		func() error { return outbox.Migrate(deps.DB) },
		func() error { return cons.Migrate(deps.DB) },
	} {
		if err := migrate(); err != nil {
			return nil, err
		}
	}
	svc := service.New(service.Deps{
		Videos:    videos,
		Objects:   objects,
		Prober:    prober,
		Users:     remote.Users{Client: clients.User},
		Favorites: remote.Favorites{Client: clients.Interaction},
		Applied:   applied,
	}, service.Options{
		MediaBaseURL:  deps.Config.PublicBase() + "/media/",
		FeedSize:      30,
		CounterGroups: []string{events.GroupUserCounters},
		CounterWait:   deps.Config.CounterWait(),
	})
	return &App{deps: deps, outbox: outbox, consumer: cons, svc: svc, handler: handler.New(svc)}, nil
}

// sweepUploads removes orphaned staged uploads every ten minutes.
func (a *App) sweepUploads(ctx context.Context) {
	a.svc.SweepUploadsEvery(ctx, 10*time.Minute, func(removed int, err error) {
		a.deps.Log.InfoContext(ctx, "swept orphaned uploads", "removed", removed, "err", err)
	})
}

// Run serves RPCs, relays the outbox, consumes counter events and sweeps
// orphaned uploads until ctx ends.
func (a *App) Run(ctx context.Context, suite rpc.ServerSuite) error {
	return a.deps.Serve(ctx, videoservice.NewServer(a.handler, server.WithSuite(suite)), a.outbox, a.consumer, a.sweepUploads)
}
