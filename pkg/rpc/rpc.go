// Package rpc is the one place Kitex servers and clients are set up: every
// service and the gateway build theirs from these suites, in embedded and
// distributed mode alike (only the addresses differ).
package rpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"reflect"
	"time"

	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/pkg/circuitbreak"
	"github.com/cloudwego/kitex/pkg/connpool"
	"github.com/cloudwego/kitex/pkg/discovery"
	"github.com/cloudwego/kitex/pkg/endpoint"
	"github.com/cloudwego/kitex/pkg/kerrors"
	"github.com/cloudwego/kitex/pkg/loadbalance"
	"github.com/cloudwego/kitex/pkg/loadbalance/lbcache"
	"github.com/cloudwego/kitex/pkg/registry"
	"github.com/cloudwego/kitex/pkg/retry"
	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"github.com/cloudwego/kitex/pkg/transmeta"
	"github.com/cloudwego/kitex/server"
	"github.com/cloudwego/kitex/transport"
	"github.com/kitex-contrib/obs-opentelemetry/tracing"
	"go.opentelemetry.io/otel/trace"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/metrics"
	"github.com/douyin-go/douyin/pkg/telemetry"
)

// Service names, used for registry entries, client destinations, callers
// and the service.name of traces.
const (
	Gateway            = "douyin.gateway"
	UserService        = "douyin.user"
	VideoService       = "douyin.video"
	InteractionService = "douyin.interaction"
	MessageService     = "douyin.message"
)

// ServerSuite configures a Kitex server: its name and listen address.
// Registration in etcd is not Kitex's here (it registers a second after
// listening, ready or not, and stops on its own SIGTERM handler): the
// caller registers once the server is ready (see boot).
type ServerSuite struct {
	Name string
	Addr string
	// ExitWait bounds graceful shutdown.
	ExitWait time.Duration
	// Metrics records every RPC (nil records nothing).
	Metrics *metrics.Metrics
	// Traced makes every RPC a span, reported by Tracer (nil: the global
	// provider).
	Traced bool
	Tracer trace.TracerProvider
	// MaxConcurrent bounds the requests one method runs at once; more are
	// refused with errno.Overloaded (0: no bound).
	MaxConcurrent int
}

// Options implements server.Suite: TTHeader framing, tracing, metrics,
// the listen address and, with service discovery, registration.
func (s ServerSuite) Options() []server.Option {
	opts := []server.Option{
		server.WithServerBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: s.Name}),
		server.WithExitWaitTime(s.exitWait()),
		// Shutdown is the caller's (Serve's context), never Kitex's own
		// SIGTERM handler: a server registered in etcd must keep serving
		// while clients drop it from their instance lists.
		server.WithExitSignal(func() <-chan error { return nil }),
		// TTHeader carries the trace context and the caller's name.
		server.WithMetaHandler(transmeta.ServerTTHeaderHandler),
	}
	if s.Traced {
		// Before the tracing suite: its spans report under s.Name.
		opts = append(opts, server.WithMiddleware(markComponent(s.Tracer)), server.WithSuite(tracing.NewServerSuite()))
	}
	opts = append(opts, server.WithMiddleware(s.Metrics.KitexServer(s.Name)), server.WithMiddleware(overloadGuard(s.Name, s.MaxConcurrent)))
	if addr, err := net.ResolveTCPAddr("tcp", s.Addr); err == nil {
		opts = append(opts, server.WithServiceAddr(addr))
	}
	return opts
}

// Advertised is the registry entry of service listening on listen: at
// advertiseHost when set, else at the listen host, else (an unspecified
// listen host) at this machine's first non-loopback IPv4 address.
func Advertised(service, listen, advertiseHost string) (*registry.Info, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("%s listen address %q: %w", service, listen, err)
	}
	switch {
	case advertiseHost != "":
		host = advertiseHost
	case host == "" || net.ParseIP(host).IsUnspecified():
		if host, err = machineAddress(); err != nil {
			return nil, fmt.Errorf("%s: no address to register (set DOUYIN_ADVERTISE_HOST): %w", service, err)
		}
	}
	addr, err := net.ResolveTCPAddr("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, err
	}
	return &registry.Info{ServiceName: service, Addr: addr, Weight: discovery.DefaultWeight}, nil
}

func machineAddress() (string, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return "", err
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && ipn.IP.To4() != nil {
			return ipn.IP.String(), nil
		}
	}
	return "", errors.New("no non-loopback IPv4 address")
}

func (s ServerSuite) exitWait() time.Duration {
	if s.ExitWait > 0 {
		return s.ExitWait
	}
	return 2 * time.Second
}

// Validate reports a listen address that cannot be used.
func (s ServerSuite) Validate() error {
	if _, err := net.ResolveTCPAddr("tcp", s.Addr); err != nil {
		return fmt.Errorf("%s listen address %q: %w", s.Name, s.Addr, err)
	}
	return nil
}

// ClientSuite configures a Kitex client of one service: resolved through
// Resolver when service discovery is on, else at the static HostPorts;
// with TTHeader framing, tracing, timeouts, a circuit breaker per service
// and per instance, retries of reads on any failure and of writes only
// when no connection could be made (so nothing was sent).
type ClientSuite struct {
	// Caller is the calling component's service name, so traces and
	// servers can tell the gateway from a service calling another.
	Caller         string
	Service        string
	HostPorts      []string
	Resolver       discovery.Resolver
	Timeout        time.Duration
	ConnectTimeout time.Duration
	// ReadMethods are the idempotent methods that may be retried on any error.
	ReadMethods []string
	// IdleConns is how many connections to each instance stay open
	// between calls (Kitex keeps one by default, so under concurrency
	// every other call would dial and close a connection).
	IdleConns int
	// Traced makes every call a span.
	Traced bool
	// Refresh is how often instances are re-read from Resolver (Kitex's
	// default, 5 s, when zero). Servers drain for longer than this.
	Refresh time.Duration
	// Log receives failed calls (nil: none).
	Log *slog.Logger
}

// Options implements client.Suite.
func (s ClientSuite) Options() []client.Option {
	opts := []client.Option{
		client.WithClientBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: s.Caller}),
		client.WithTransportProtocol(transport.TTHeader),
		client.WithMetaHandler(transmeta.ClientTTHeaderHandler),
		client.WithRPCTimeout(s.Timeout),
		client.WithConnectTimeout(s.ConnectTimeout),
		client.WithLongConnection(connpool.IdleConfig{MaxIdlePerAddress: max(s.IdleConns, 1), MaxIdleGlobal: 16 * max(s.IdleConns, 1), MaxIdleTimeout: time.Minute}),
		client.WithCircuitBreaker(circuitbreak.NewCBSuite(circuitbreak.RPCInfo2Key)),
		client.WithFailureRetry(writeRetry()),
	}
	if s.Traced {
		opts = append(opts, client.WithSuite(tracing.NewClientSuite()))
	}
	if s.Log != nil {
		opts = append(opts, client.WithMiddleware(logFailures(s.Log)))
	}
	if len(s.ReadMethods) > 0 {
		policies := make(map[string]retry.Policy, len(s.ReadMethods))
		for _, m := range s.ReadMethods {
			policies[m] = retry.BuildFailurePolicy(readRetry())
		}
		opts = append(opts, client.WithRetryMethodPolicies(policies))
	}
	if s.Resolver != nil {
		opts = append(opts, client.WithResolver(s.Resolver))
		if s.Refresh > 0 {
			opts = append(opts, client.WithLoadBalancer(loadbalance.NewWeightedBalancer(), &lbcache.Options{RefreshInterval: s.Refresh, ExpireInterval: 3 * s.Refresh}))
		}
	} else {
		opts = append(opts, client.WithHostPorts(s.HostPorts...))
	}
	return opts
}

// readRetry retries idempotent reads on any RPC failure, twice at most.
func readRetry() *retry.FailurePolicy {
	p := retry.NewFailurePolicyWithResultRetry(retry.AllErrorRetry())
	p.WithMaxRetryTimes(2)
	return p
}

// writeRetry retries writes only when the connection could not be made.
func writeRetry() *retry.FailurePolicy {
	p := retry.NewFailurePolicyWithResultRetry(&retry.ShouldResultRetry{
		ErrorRetryWithCtx: func(_ context.Context, err error, _ rpcinfo.RPCInfo) bool {
			return errors.Is(err, kerrors.ErrGetConnection)
		},
	})
	p.WithMaxRetryTimes(2)
	return p
}

// Serve runs svr until ctx ends, then stops it gracefully (deregistering
// it from the registry, if any).
func Serve(ctx context.Context, svr server.Server) error {
	errc := make(chan error, 1)
	go func() { errc <- svr.Run() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		if err := svr.Stop(); err != nil {
			return err
		}
		return <-errc
	}
}

// markComponent puts tp into every request's context (telemetry.WithComponent).
func markComponent(tp trace.TracerProvider) endpoint.Middleware {
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		if tp == nil {
			return next
		}
		return func(ctx context.Context, req, resp any) error {
			return next(telemetry.WithComponent(ctx, tp), req, resp)
		}
	}
}

// logFailures logs every call that failed in transport (business errors
// travel in BaseResp and are not failures here), with the request's trace.
func logFailures(log *slog.Logger) endpoint.Middleware {
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req, resp any) error {
			err := next(ctx, req, resp)
			if err != nil {
				to := "unknown"
				if ri := rpcinfo.GetRPCInfo(ctx); ri != nil {
					to = ri.To().ServiceName() + "." + ri.To().Method()
				}
				log.WarnContext(ctx, "rpc failed", "to", to, "err", err)
			}
			return err
		}
	}
}

// Response is any RPC response: each carries a BaseResp.
type Response interface {
	GetBaseResp() *base.BaseResp
}

// Check turns an RPC outcome into one error: a transport failure becomes
// ServiceUnavail (the client suite logged the details); a business
// failure keeps its errno. resp is only read when err is nil (Kitex
// returns a nil response with an error).
func Check(resp Response, err error) error {
	if bizErr, ok := kerrors.FromBizStatusError(err); ok {
		return errno.ErrNo{Code: bizErr.BizStatusCode(), Msg: bizErr.BizMessage()}
	}
	if err != nil {
		return errno.ServiceUnavail
	}
	if v := reflect.ValueOf(resp); !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		return errno.ServiceErr.WithMessage("internal server error: empty response")
	}
	return errno.FromBaseResp(resp.GetBaseResp())
}

// ServiceHandler is what every service's Kitex handler is built on: the
// service's use cases, and the reporter that packs their outcomes into
// BaseResp (logging internal failures once).
type ServiceHandler[S any] struct {
	Svc S
	errno.Reporter
}

// NewServiceHandler wraps svc; log receives failures that are not business
// errors.
func NewServiceHandler[S any](svc S, log *slog.Logger) ServiceHandler[S] {
	return ServiceHandler[S]{Svc: svc, Reporter: errno.Reporter{Log: log}}
}
