package handler

import (
	"context"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/kitex/client/callopt"

	"github.com/douyin-go/douyin/pkg/rpc"
)

// binder reads a route's parameters into its RPC request; problems are
// kept in p.err.
type binder[Req any] func(p *params, c *app.RequestContext) Req

// call is one RPC method of a Kitex client.
type call[Req any, Resp rpc.Response] func(ctx context.Context, req Req, opts ...callopt.Option) (Resp, error)

// serve is the shape of a route: bind the parameters, make one RPC, and
// answer with pack(response), or with the first error on the way as
// status_code/status_msg.
func serve[Req any, Resp rpc.Response](ctx context.Context, c *app.RequestContext, bind binder[Req], rpcCall call[Req, Resp], pack func(Resp) any) {
	p := paramsOf(c)
	req := bind(p, c)
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := rpcCall(ctx, req)
	if err := rpc.Check(resp, err); err != nil {
		fail(c, err)
		return
	}
	reply(c, pack(resp))
}

// statusOnly packs a response that carries nothing but its status.
func statusOnly[Resp rpc.Response](Resp) any { return ok() }
