// Package app assembles the interaction service from its parts; the
// interaction binary and the all-in-one process both start it from here.
package app

import (
	"context"

	"github.com/cloudwego/kitex/server"
	"gorm.io/gorm"

	"github.com/douyin-go/douyin/cmd/interaction/dal"
	"github.com/douyin-go/douyin/cmd/interaction/handler"
	"github.com/douyin-go/douyin/cmd/interaction/service"
	"github.com/douyin-go/douyin/kitex_gen/interaction/interactionservice"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/remote"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// Component is the interaction service as a process runs it. It has no
// consumer: it publishes like and comment events, which the video and user
// services count.
func Component() boot.Component {
	return boot.Component{Name: rpc.InteractionService, Needs: boot.NeedDatabase | boot.NeedCache | boot.NeedKafka, Migrate: migrate, Build: build}
}

// migrate creates the interaction tables and the outbox.
func migrate(gdb *gorm.DB) error {
	return db.Migrate(gdb, dal.Migrate, eventbus.NewOutbox(dal.OutboxTable).Migrate)
}

// build wires the service to the video and user services.
func build(_ context.Context, deps *boot.Deps) (boot.Runner, error) {
	words, err := deps.Words()
	if err != nil {
		return nil, err
	}
	loc, err := deps.Config.Location()
	if err != nil {
		return nil, err
	}
	clients, err := deps.Clients()
	if err != nil {
		return nil, err
	}
	outbox := eventbus.NewOutbox(dal.OutboxTable)
	tables := eventbus.Tables{DB: deps.DB, Outbox: outbox}
	svc := service.New(service.Deps{
		Favorites: dal.NewCachedFavorites(&dal.Favorites{Tables: tables}, deps.Cache),
		Comments:  dal.NewCachedComments(&dal.Comments{Tables: tables}, deps.Cache),
		Videos:    remote.Videos{Client: clients.Video},
		Users:     remote.Users{Client: clients.User},
		Applied:   eventbus.NewApplied(deps.Cache),
	}, service.Options{
		Location:    loc,
		CounterWait: deps.Config.CounterWait(),
		Words:       words,
	})
	h := handler.New(svc, deps.Log)
	return boot.Service{
		Deps:       deps,
		Addr:       deps.Config.Services.Interaction,
		NewServer:  func(opts ...server.Option) server.Server { return interactionservice.NewServer(h, opts...) },
		Background: boot.Background{Outbox: outbox},
	}, nil
}
