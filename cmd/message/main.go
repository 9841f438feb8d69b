// Command message runs the message service on its own (distributed mode).
package main

import (
	"github.com/douyin-go/douyin/cmd/message/app"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/infra"
	"github.com/douyin-go/douyin/pkg/rpc"
)

func main() {
	infra.ServiceMain(rpc.MessageService,
		func(c config.Config) string { return c.Services.Message },
		func(d *infra.Deps) (infra.Runner, error) { return app.New(d) })
}
