// Package app assembles the message service from its parts; the message
// binary and the all-in-one process both start it from here.
package app

import (
	"context"

	"github.com/cloudwego/kitex/server"
	"gorm.io/gorm"

	"github.com/douyin-go/douyin/cmd/message/dal"
	"github.com/douyin-go/douyin/cmd/message/handler"
	"github.com/douyin-go/douyin/cmd/message/service"
	"github.com/douyin-go/douyin/kitex_gen/message/messageservice"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/remote"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// Component is the message service as a process runs it.
func Component() boot.Component {
	return boot.Component{Name: rpc.MessageService, Needs: boot.NeedDatabase | boot.NeedCache | boot.NeedKafka, Migrate: migrate, Build: build}
}

// migrate creates the message tables and the outbox.
func migrate(gdb *gorm.DB) error {
	return db.Migrate(gdb, dal.Migrate, eventbus.NewOutbox(dal.OutboxTable).Migrate)
}

// build wires the service. Receivers are
// checked through the user service (its client connects on first call, so
// the user service may start later). Conversation heads are cached (chat
// polls that find nothing new read no database). Each message's event is
// relayed to Kafka, where every gateway reads it for live chat.
func build(_ context.Context, deps *boot.Deps) (boot.Runner, error) {
	words, err := deps.Words()
	if err != nil {
		return nil, err
	}
	outbox := eventbus.NewOutbox(dal.OutboxTable)
	clients, err := deps.Clients()
	if err != nil {
		return nil, err
	}
	svc := service.New(service.Deps{
		Messages: dal.NewCachedMessages(&dal.Messages{Tables: eventbus.Tables{DB: deps.DB, Outbox: outbox}, ReplicaLag: deps.Config.MySQLReplicaLag}, deps.Cache),
		Users:    remote.Users{Client: clients.User},
	}, service.Options{Words: words})
	h := handler.New(svc, deps.Log)
	return boot.Service{
		Deps:       deps,
		Addr:       deps.Config.Services.Message,
		NewServer:  func(opts ...server.Option) server.Server { return messageservice.NewServer(h, opts...) },
		Background: boot.Background{Outbox: outbox},
	}, nil
}
