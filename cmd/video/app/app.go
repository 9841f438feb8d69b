// Package app assembles the video service from its parts; the video binary
// and the all-in-one process both start it from here.
package app

import (
	"context"
	"time"

	"github.com/cloudwego/kitex/server"
	"gorm.io/gorm"

	"github.com/douyin-go/douyin/cmd/video/consumer"
	"github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/cmd/video/handler"
	"github.com/douyin-go/douyin/cmd/video/media"
	"github.com/douyin-go/douyin/cmd/video/service"
	"github.com/douyin-go/douyin/kitex_gen/video/videoservice"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/periodic"
	"github.com/douyin-go/douyin/pkg/remote"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// Component is the video service as a process runs it.
func Component() boot.Component {
	return boot.Component{
		Name:    rpc.VideoService,
		Needs:   boot.NeedDatabase | boot.NeedCache | boot.NeedKafka | boot.NeedObjects,
		Migrate: migrate,
		Build:   build,
	}
}

// migrate creates the video tables, the outbox and the counters' applied events.
func migrate(gdb *gorm.DB) error {
	return db.Migrate(gdb, dal.Migrate, eventbus.NewOutbox(dal.OutboxTable).Migrate, eventbus.MigrateProcessed(events.GroupVideoCounters))
}

// sweepInterval is how often orphaned uploads are looked for.
const sweepInterval = 10 * time.Minute

// build wires the service.
func build(_ context.Context, deps *boot.Deps) (boot.Runner, error) {
	words, err := deps.Words()
	if err != nil {
		return nil, err
	}
	prober, err := media.NewProber(deps.Config.Upload.MediaTimeout)
	if err != nil {
		return nil, err
	}
	clients, err := deps.Clients()
	if err != nil {
		return nil, err
	}
	outbox := eventbus.NewOutbox(dal.OutboxTable)
	videos := dal.NewVideos(deps.DB, outbox, deps.Cache)
	videos.ReplicaLag = deps.Config.MySQLReplicaLag
	applied := eventbus.NewApplied(deps.Cache)
	cons := consumer.New(deps.DB, videos, applied, deps.Log)
	svc := service.New(service.Deps{
		Videos:    dal.NewCachedLists(videos, deps.Cache),
		Objects:   deps.Objects,
		Prober:    prober,
		Users:     remote.Users{Client: clients.User},
		Favorites: remote.Favorites{Client: clients.Interaction},
		Applied:   applied,
	}, service.Options{
		MediaBaseURL: deps.Config.PublicBase() + "/media/",
		FeedSize:     30,
		CounterWait:  deps.Config.CounterWait(),
		Words:        words,
	})
	sweep := func(ctx context.Context) {
		n, err := svc.SweepUploads(ctx)
		if n > 0 || err != nil {
			deps.Log.InfoContext(ctx, "swept orphaned uploads", "removed", n, "err", err)
		}
	}
	h := handler.New(svc, deps.Log)
	return boot.Service{
		Deps:      deps,
		Addr:      deps.Config.Services.Video,
		NewServer: func(opts ...server.Option) server.Server { return videoservice.NewServer(h, opts...) },
		Background: boot.Background{Outbox: outbox, Consumer: cons, Loops: []func(context.Context){
			func(ctx context.Context) { periodic.Run(ctx, sweepInterval, deps.Log, sweep) },
		}},
	}, nil
}
