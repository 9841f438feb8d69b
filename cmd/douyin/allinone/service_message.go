package allinone

import (
	message "github.com/douyin-go/douyin/cmd/message/app"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// messageService is the chat service; it builds its own user-service
// client from d.Config to check receivers.
func messageService() *service {
	return &service{
		name:  rpc.MessageService,
		addr:  func(c config.Config) string { return c.Services.Message },
		build: func(d *boot.Deps) (runner, error) { return message.New(d) },
	}
}
