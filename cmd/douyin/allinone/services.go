package allinone

import (
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/boot"
)

// runner is a built service ready to serve.
type runner = boot.Runner

// service is one Kitex service of the embedded node.
type service struct {
	name  string
	addr  func(config.Config) string
	build func(*boot.Deps) (runner, error)
}

// services lists every Kitex service the node starts, each declared in a
// file of its own.
func services() []service {
	var out []service
	for _, s := range []*service{userService(), videoService(), interactionService(), messageService()} {
		if s != nil {
			out = append(out, *s)
		}
	}
	return out
}
