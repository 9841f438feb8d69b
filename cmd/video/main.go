// Command video runs the video service on its own (distributed mode).
package main

import (
	"github.com/douyin-go/douyin/cmd/video/app"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/infra"
	"github.com/douyin-go/douyin/pkg/rpc"
)

func main() {
	infra.ServiceMain(rpc.VideoService,
		func(c config.Config) string { return c.Services.Video },
		func(d *infra.Deps) (infra.Runner, error) { return app.New(d) })
}
