package allinone

import (
	interaction "github.com/douyin-go/douyin/cmd/interaction/app"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/rpc"
)

func interactionService() *service {
	return &service{
		name:  rpc.InteractionService,
		addr:  func(c config.Config) string { return c.Services.Interaction },
		build: func(d *boot.Deps) (runner, error) { return interaction.New(d) },
	}
}
