package allinone

import (
	video "github.com/douyin-go/douyin/cmd/video/app"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/rpc"
)

func videoService() *service {
	return &service{
		name:  rpc.VideoService,
		addr:  func(c config.Config) string { return c.Services.Video },
		build: func(d *boot.Deps) (runner, error) { return video.New(d) },
	}
}
