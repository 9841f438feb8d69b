package main

import (
	"context"
	"time"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/app/server"
	"github.com/cloudwego/hertz/pkg/common/hlog"
)

// bareHertz is a Hertz server that answers every request with the same
// bytes: the ceiling a route could reach on this machine.
type bareHertz struct {
	h    *server.Hertz
	base string
}

func startBare(body []byte) (*bareHertz, error) {
	hlog.SetLevel(hlog.LevelFatal)
	return startHertz(func(_ context.Context, c *app.RequestContext) {
		c.Data(200, "application/json; charset=utf-8", body)
	})
}

func (b *bareHertz) url() string { return b.base }

func (b *bareHertz) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = b.h.Shutdown(ctx)
}
