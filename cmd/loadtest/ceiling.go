package main

import (
	"context"
	"net"
	"time"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/app/server"
	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/pkg/connpool"
	"github.com/cloudwego/kitex/pkg/klog"
	kserver "github.com/cloudwego/kitex/server"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/message"
	"github.com/douyin-go/douyin/kitex_gen/message/messageservice"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/inprocess"
)

// ceiling is the shape's own cost with no work in it: a bare Hertz
// handler that makes depth nested Kitex calls, the innermost answering the
// route's bytes, which every hop carries back (one Thrift string field).
// No route of the gateway → service design can go faster on this machine;
// a route's ratio to its ceiling says how much of the rest is the work.
type ceiling struct {
	front   *bareHertz
	servers []kserver.Server
}

// startCeiling starts depth Kitex servers, each calling the next, and a
// Hertz front calling the first. Every client keeps idle connections as
// the system's own do.
func startCeiling(body []byte, depth int, idleConns int) (*ceiling, error) {
	klog.SetLevel(klog.LevelFatal)
	addrs, err := inprocess.FreeAddrs(depth)
	if err != nil {
		return nil, err
	}
	c := &ceiling{}
	var next messageservice.Client
	for _, addr := range addrs {
		if err := c.startHop(addr, next, string(body)); err != nil {
			c.close()
			return nil, err
		}
		if next, err = hopClient(addr, idleConns); err != nil {
			c.close()
			return nil, err
		}
	}
	front, err := startHertz(func(ctx context.Context, rc *app.RequestContext) {
		resp, err := next.Chat(ctx, &message.ChatRequest{UserId: 1, ToUserId: 2})
		if err != nil || len(resp.Messages) == 0 {
			rc.SetStatusCode(500)
			return
		}
		rc.Data(200, "application/json; charset=utf-8", []byte(resp.Messages[0].Content))
	})
	if err != nil {
		c.close()
		return nil, err
	}
	c.front = front
	return c, nil
}

// startHop starts one Kitex server at addr: it calls next, or answers
// body when it is the innermost.
func (c *ceiling) startHop(addr string, next messageservice.Client, body string) error {
	tcp, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return err
	}
	srv := messageservice.NewServer(&hop{next: next, body: body}, kserver.WithServiceAddr(tcp), kserver.WithExitWaitTime(100*time.Millisecond))
	c.servers = append(c.servers, srv)
	go func() { _ = srv.Run() }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return boot.WaitListening(ctx, addr)
}

func hopClient(addr string, idleConns int) (messageservice.Client, error) {
	return messageservice.NewClient("ceiling", client.WithHostPorts(addr), client.WithRPCTimeout(5*time.Second),
		client.WithLongConnection(connpool.IdleConfig{MaxIdlePerAddress: idleConns, MaxIdleGlobal: 16 * idleConns, MaxIdleTimeout: time.Minute}))
}

func (c *ceiling) url() string { return c.front.base }

func (c *ceiling) close() {
	if c.front != nil {
		c.front.close()
	}
	for _, s := range c.servers {
		_ = s.Stop()
	}
}

// hop is a message service whose Chat passes the call on to next, or
// answers body.
type hop struct {
	message.MessageService // only Chat is called
	next                   messageservice.Client
	body                   string
}

func (h *hop) Chat(ctx context.Context, req *message.ChatRequest) (*message.ChatResponse, error) {
	if h.next != nil {
		return h.next.Chat(ctx, req)
	}
	return &message.ChatResponse{BaseResp: &base.BaseResp{}, Messages: []*base.Message{{Content: h.body}}}, nil
}

// startHertz serves handle on every path of a fresh loopback port.
func startHertz(handle app.HandlerFunc) (*bareHertz, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := server.New(server.WithListener(ln), server.WithDisablePrintRoute(true), server.WithExitWaitTime(100*time.Millisecond))
	h.Any("/*any", handle)
	go h.Spin()
	b := &bareHertz{h: h, base: "http://" + ln.Addr().String()}
	return b, waitReady(context.Background(), b.base+"/", 5*time.Second)
}
