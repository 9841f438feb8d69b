package allinone

import (
	user "github.com/douyin-go/douyin/cmd/user/app"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/rpc"
)

func userService() *service {
	return &service{
		name:  rpc.UserService,
		addr:  func(c config.Config) string { return c.Services.User },
		build: func(d *boot.Deps) (runner, error) { return user.New(d) },
	}
}
