// Package app assembles the gateway: Hertz server, middleware and routes.
package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/app/middlewares/server/recovery"
	"github.com/cloudwego/hertz/pkg/app/server"
	hertzconfig "github.com/cloudwego/hertz/pkg/common/config"
	hertztracing "github.com/hertz-contrib/obs-opentelemetry/tracing"
	"go.opentelemetry.io/otel/trace"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/cmd/gateway/handler"
	"github.com/douyin-go/douyin/cmd/gateway/live"
	"github.com/douyin-go/douyin/cmd/gateway/ratelimit"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/metrics"
	"github.com/douyin-go/douyin/pkg/remote"
	"github.com/douyin-go/douyin/pkg/rpc"
	"github.com/douyin-go/douyin/pkg/storage"
	"github.com/douyin-go/douyin/pkg/telemetry"
)

// Component is the gateway as a process runs it.
func Component() boot.Component {
	return boot.Component{Name: rpc.Gateway, Needs: boot.NeedObjects | boot.NeedKafka | boot.NeedCache, Build: build}
}

// build wires the gateway to the services. It refuses to start without a
// configured JWT secret (the all-in-one process generates one first).
func build(_ context.Context, deps *boot.Deps) (boot.Runner, error) {
	secret, err := auth.Secret(deps.Config.JWT.Secret, deps.Config.DataDir, false)
	if err != nil {
		return nil, err
	}
	tokens, err := auth.New(secret, deps.Config.JWT.TTL, nil)
	if err != nil {
		return nil, err
	}
	clients, err := deps.Clients()
	if err != nil {
		return nil, err
	}
	deps.Log.Info("serving the API", "listen", deps.Config.HTTPAddr, "public_url", deps.Config.PublicBase())
	return New(Deps{Config: deps.Config, Clients: clients, Auth: tokens, Objects: deps.Objects, Cache: deps.Cache,
		Metrics: deps.Metrics, Log: deps.Log, Tracer: deps.Tracer})
}

// Deps are what the gateway is built from.
type Deps struct {
	Config  config.Config
	Clients *rpc.Clients
	Auth    *auth.Auth
	Objects storage.Objects
	// Cache keeps the rate limits (nil: no limits).
	Cache   *cache.Client
	Metrics *metrics.Metrics // nil: none
	Log     *slog.Logger
	// Tracer reports the gateway's spans (nil: the global provider).
	Tracer trace.TracerProvider
}

// Gateway is the HTTP front of douyin.
type Gateway struct {
	hertz *server.Hertz
	addr  string
	// hub holds the live chat sockets; feed fills it from Kafka (nil when
	// no brokers are configured: sockets are then refused).
	hub  *live.Hub
	feed *live.Feed
}

// New builds the gateway listening on d.Config.HTTPAddr.
func New(d Deps) (*Gateway, error) {
	cfg, log := d.Config, d.Log
	clientIP, err := ratelimit.ClientIP(cfg.HTTP.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("http trusted_proxies: %w", err)
	}
	var limits *ratelimit.Limiter
	if d.Cache != nil {
		limits = ratelimit.New(d.Cache.RDB, d.Cache.Prefix, cfg.RateLimits, log)
	}
	opts := []hertzconfig.Option{
		server.WithHostPorts(cfg.HTTPAddr),
		server.WithExitWaitTime(cfg.HTTP.ExitWait),
		server.WithDisablePrintRoute(true),
		// A stalled client is dropped within seconds; an idle keep-alive
		// connection may wait longer for its next request. (Live chat
		// sockets, once hijacked, keep their own time.)
		server.WithReadTimeout(cfg.HTTP.ReadTimeout),
		server.WithWriteTimeout(cfg.HTTP.WriteTimeout),
		server.WithIdleTimeout(cfg.HTTP.IdleTimeout),
		// Routes answer with and without their trailing slash; nothing
		// redirects (a redirect would echo X-Forwarded-Prefix).
		server.WithRedirectTrailingSlash(false),
		server.WithRedirectFixedPath(false),
		server.WithHandleMethodNotAllowed(true),
		// Bodies are streamed so uploads are never held in memory whole;
		// small bodies still read as usual.
		server.WithStreamBody(true),
		// Multipart forms are parsed when a handler asks, not up front, so
		// publish sees the upload as a stream and can refuse it early.
		server.WithDisablePreParseMultipartForm(true),
		// In stream mode this is how much of a body Hertz reads before
		// calling the handlers: with 1 they run as soon as the first body
		// bytes arrive, so a declared oversized upload is refused at once
		// even if the client then stalls. Bodies are bounded by
		// limitFormBodies and by publish itself.
		server.WithMaxRequestBodySize(1),
	}
	// Requests are spans only when spans leave the process (d.Tracer is
	// set then): the instrumentation costs time on every request.
	var traceCfg *hertztracing.Config
	if d.Tracer != nil {
		var tracer hertzconfig.Option
		tracer, traceCfg = hertztracing.NewServerTracer(
			hertztracing.WithServerHttpRouteFormatter(routeName),
			hertztracing.WithServerSpanNameFormatter(func(c *app.RequestContext) string {
				return string(c.Method()) + " " + routeName(c)
			}),
		)
		opts = append(opts, tracer)
	}
	h := server.New(opts...)
	h.SetClientIPFunc(clientIP)
	h.Use(recovery.Recovery(recovery.WithRecoveryHandler(func(ctx context.Context, c *app.RequestContext, err any, stack []byte) {
		log.Error("panic while serving request", "path", string(c.Path()), "panic", err, "stack", string(stack))
		c.JSON(http.StatusOK, map[string]any{"status_code": errno.ServiceErr.Code, "status_msg": errno.ServiceErr.Msg})
	})))
	if d.Tracer != nil {
		// Spans of each request report under the gateway's own name, even
		// in a process shared with the services.
		h.Use(func(ctx context.Context, c *app.RequestContext) { c.Next(telemetry.WithComponent(ctx, d.Tracer)) },
			hertztracing.ServerMiddleware(traceCfg))
	}
	h.Use(d.Metrics.Hertz(), limitFormBodies(maxFormBytes))
	// Live chat sockets are hijacked for good; Hertz must not pool them.
	h.NoHijackConnPool = true
	g := &Gateway{hertz: h, addr: cfg.HTTPAddr}
	hd := handler.New(handler.Deps{
		RPC: d.Clients, Auth: d.Auth, Objects: d.Objects, Limits: limits,
		Upload: cfg.Upload, ReadTimeout: cfg.HTTP.ReadTimeout,
	})
	register(h, hd, d.Auth, limits, g.liveChat(d))
	return g, nil
}

// routeName is a request's route for traces: its pattern, or "unmatched",
// so neither a span name nor a metric carries whatever path was sent.
func routeName(c *app.RequestContext) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}

// liveChat builds the live chat server: its hub of sockets, and the feed
// of message events that fills it when Kafka is configured (without it,
// sockets are refused as not ready).
func (g *Gateway) liveChat(d Deps) *live.Server {
	limits := live.Limits{PerUser: d.Config.Live.MaxConnsPerUser, Total: d.Config.Live.MaxConns}
	g.hub = live.NewHub(limits)
	ready := func() bool { return false }
	if len(d.Config.KafkaBrokers) > 0 {
		g.feed = live.NewFeed(d.Config.KafkaBrokers, d.Log)
		ready = g.feed.Ready
	}
	d.Metrics.Gauge("douyin_live_connections", "Live chat sockets connected to this gateway.", nil,
		func() float64 { return float64(g.hub.Conns()) })
	return live.NewServer(g.hub, d.Auth, remote.Messages{Client: d.Clients.Message}, ready, live.DefaultOptions(limits), d.Log)
}

// maxFormBytes bounds the body of every route but publish.
const maxFormBytes = 1 << 20

// lingerBytes is how much of a refused body is still read and dropped.
const lingerBytes = 256 << 10

// limitFormBodies refuses bodies over limit on every route but publish,
// which streams and enforces its own limit: a declared Content-Length at
// once, a streamed (chunked) body by reading at most limit+1 bytes of it.
func limitFormBodies(limit int) app.HandlerFunc {
	tooLarge := map[string]any{"status_code": errno.ParamErr.Code, "status_msg": "request body is too large"}
	refuse := func(c *app.RequestContext) {
		// Drop a little more of the body first, as net/http does, so a
		// client still sending a slightly oversized body reads this answer
		// instead of a connection reset; the rest stays on the wire, so
		// the connection is not reused.
		if c.Request.IsBodyStream() {
			_, _ = io.Copy(io.Discard, io.LimitReader(c.RequestBodyStream(), lingerBytes))
		}
		c.Response.Header.SetConnectionClose(true)
		c.AbortWithStatusJSON(http.StatusOK, tooLarge)
	}
	return func(ctx context.Context, c *app.RequestContext) {
		if strings.TrimSuffix(string(c.Path()), "/") == "/douyin/publish/action" {
			c.Next(ctx)
			return
		}
		if c.Request.Header.ContentLength() > limit {
			refuse(c)
			return
		}
		if c.Request.IsBodyStream() {
			body, err := io.ReadAll(io.LimitReader(c.RequestBodyStream(), int64(limit)+1))
			if err != nil || len(body) > limit {
				refuse(c)
				return
			}
			c.Request.SetBody(body)
		}
		c.Next(ctx)
	}
}

// Run serves until ctx ends, then shuts down gracefully: live sockets are
// told to go away (their clients reconnect elsewhere) before the server
// stops.
func (g *Gateway) Run(ctx context.Context) error {
	feedCtx, stopFeed := context.WithCancel(context.Background())
	defer stopFeed()
	if g.feed != nil {
		go g.feed.Run(feedCtx, g.hub.Deliver)
	}
	errc := make(chan error, 1)
	go func() { errc <- g.hertz.Run() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		g.hub.Shutdown(shutdownCtx)
		return g.hertz.Shutdown(shutdownCtx)
	}
}

// WaitReady blocks until the gateway accepts connections or ctx ends.
func (g *Gateway) WaitReady(ctx context.Context) error { return boot.WaitListening(ctx, g.addr) }
