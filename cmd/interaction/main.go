// Command interaction runs the interaction service on its own (distributed
// mode).
package main

import (
	"github.com/douyin-go/douyin/cmd/interaction/app"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/rpc"
)

func main() {
	boot.ServiceMain(rpc.InteractionService,
		func(c config.Config) string { return c.Services.Interaction },
		func(d *boot.Deps) (boot.Runner, error) { return app.New(d) })
}
