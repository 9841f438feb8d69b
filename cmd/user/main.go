// Command user runs the user service on its own (distributed mode).
package main

import (
	"github.com/douyin-go/douyin/cmd/user/app"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/rpc"
)

func main() {
	boot.ServiceMain(rpc.UserService,
		func(c config.Config) string { return c.Services.User },
		func(d *boot.Deps) (boot.Runner, error) { return app.New(d) })
}
