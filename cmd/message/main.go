// Command message runs the message service on its own (distributed mode).
package main

import (
	"github.com/douyin-go/douyin/cmd/message/app"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/rpc"
)

func main() {
	boot.ServiceMain(rpc.MessageService,
		func(c config.Config) string { return c.Services.Message },
		func(d *boot.Deps) (boot.Runner, error) { return app.New(d) })
}
