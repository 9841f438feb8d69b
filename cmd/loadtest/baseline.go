package main

import (
	"context"
	"net"
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := server.New(server.WithListener(ln), server.WithDisablePrintRoute(true), server.WithExitWaitTime(100*time.Millisecond))
	h.Any("/*any", func(_ context.Context, c *app.RequestContext) {
		c.Data(200, "application/json; charset=utf-8", body)
	})
	go h.Spin()
	b := &bareHertz{h: h, base: "http://" + ln.Addr().String()}
	return b, waitReady(context.Background(), b.base+"/", 5*time.Second)
}

func (b *bareHertz) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = b.h.Shutdown(ctx)
}
