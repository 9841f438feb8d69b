// Package app assembles the user service from its parts; the user binary
// and the all-in-one process both start it from here.
package app

import (
	"context"

	"github.com/cloudwego/kitex/server"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/douyin-go/douyin/cmd/user/consumer"
	"github.com/douyin-go/douyin/cmd/user/dal"
	"github.com/douyin-go/douyin/cmd/user/handler"
	"github.com/douyin-go/douyin/cmd/user/service"
	"github.com/douyin-go/douyin/kitex_gen/user/userservice"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// Component is the user service as a process runs it.
func Component() boot.Component {
	return boot.Component{Name: rpc.UserService, Needs: boot.NeedDatabase | boot.NeedCache | boot.NeedKafka, Migrate: migrate, Build: build}
}

// migrate creates the user tables, the outbox and the counters' applied events.
func migrate(gdb *gorm.DB) error {
	return db.Migrate(gdb, dal.Migrate, eventbus.NewOutbox(dal.OutboxTable).Migrate, eventbus.MigrateProcessed(consumer.Group))
}

// build wires the service.
func build(_ context.Context, deps *boot.Deps) (boot.Runner, error) {
	words, err := deps.Words()
	if err != nil {
		return nil, err
	}
	outbox := eventbus.NewOutbox(dal.OutboxTable)
	users := dal.NewUsers(deps.DB, deps.Cache)
	applied := eventbus.NewApplied(deps.Cache)
	cons := consumer.New(deps.DB, users, applied, deps.Log)
	base := deps.Config.PublicBase()
	svc := service.New(service.Deps{
		Users:     users,
		Relations: dal.NewCachedRelations(&dal.Relations{Tables: eventbus.Tables{DB: deps.DB, Outbox: outbox}}, deps.Cache),
		Applied:   applied,
	}, service.Options{
		AvatarURL:     base + "/static/avatar.png",
		BackgroundURL: base + "/static/background.png",
		BcryptCost:    bcrypt.DefaultCost,
		CounterWait:   deps.Config.CounterWait(),
		Words:         words,
	})
	h := handler.New(svc, deps.Log)
	return boot.Service{
		Deps:       deps,
		Addr:       deps.Config.Services.User,
		NewServer:  func(opts ...server.Option) server.Server { return userservice.NewServer(h, opts...) },
		Background: boot.Background{Outbox: outbox, Consumer: cons},
	}, nil
}
