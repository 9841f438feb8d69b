// Command video runs the video service on its own (distributed mode).
package main

import (
	"github.com/douyin-go/douyin/cmd/video/app"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/rpc"
)

func main() {
	boot.ServiceMain(rpc.VideoService,
		func(c config.Config) string { return c.Services.Video },
		func(d *boot.Deps) (boot.Runner, error) { return app.New(d) })
}
