package rpc

import (
	"context"
	"sync"

	sentinel "github.com/alibaba/sentinel-golang/api"
	sentinelbase "github.com/alibaba/sentinel-golang/core/base"
	"github.com/alibaba/sentinel-golang/core/isolation"
	"github.com/cloudwego/kitex/pkg/endpoint"
	"github.com/cloudwego/kitex/pkg/kerrors"
	"github.com/cloudwego/kitex/pkg/rpcinfo"

	"github.com/douyin-go/douyin/pkg/errno"
)

// overloadGuard is per-instance overload protection: Sentinel's
// concurrency isolation lets at most max requests of one method run at
// once on this server; a request past that is refused at once with
// errno.Overloaded (a Kitex business status, which clients do not retry)
// instead of queueing until its caller times out. max <= 0 guards nothing.
func overloadGuard(service string, max int) endpoint.Middleware {
	var rules sync.Map // resource -> loaded
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		if max <= 0 {
			return next
		}
		return func(ctx context.Context, req, resp any) error {
			ri := rpcinfo.GetRPCInfo(ctx)
			resource := service + "/" + ri.To().Method()
			if _, loaded := rules.LoadOrStore(resource, true); !loaded {
				if _, err := isolation.LoadRulesOfResource(resource, []*isolation.Rule{
					{Resource: resource, MetricType: isolation.Concurrency, Threshold: uint32(max)},
				}); err != nil {
					rules.Delete(resource)
					return err
				}
			}
			entry, blocked := sentinel.Entry(resource, sentinel.WithTrafficType(sentinelbase.Inbound))
			if blocked != nil {
				// Set as the handler's business status is set, so the
				// client gets it as such rather than as a failed call.
				if setter, ok := ri.Invocation().(rpcinfo.InvocationSetter); ok {
					setter.SetBizStatusErr(kerrors.NewBizStatusError(errno.Overloaded.Code, errno.Overloaded.Msg))
					return nil
				}
				return errno.Overloaded
			}
			defer entry.Exit()
			return next(ctx, req, resp)
		}
	}
}
