// Package metrics holds a process's Prometheus metrics: request counts and
// latencies of the HTTP gateway and of every Kitex server, plus gauges the
// services register (Kafka consumer lag, outbox backlog). A nil *Metrics
// records nothing, so code paths stay the same with metrics off.
package metrics

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/kitex/pkg/endpoint"
	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metric names, as the dashboards and alert rules under
// deploy/observability use them (a deploy test checks they exist).
const (
	HTTPDuration  = "douyin_http_request_duration_seconds"
	HTTPAPIErrors = "douyin_http_api_errors_total"
	RPCDuration   = "douyin_rpc_server_duration_seconds"
	CacheRequests = "douyin_cache_requests_total"
	ConsumerLag   = "douyin_consumer_lag"
	OutboxBacklog = "douyin_outbox_backlog"
	Registered    = "douyin_registered"
	DeadLetters   = "douyin_consumer_dead_letters_total"
	CacheDegraded = "douyin_cache_degraded_total"
)

// Names lists every metric douyin defines.
func Names() []string {
	return []string{HTTPDuration, HTTPAPIErrors, RPCDuration, CacheRequests, ConsumerLag, OutboxBacklog, Registered, DeadLetters, CacheDegraded}
}

// Metrics is one process's metric registry.
type Metrics struct {
	Registry  *prometheus.Registry
	http      *prometheus.HistogramVec
	apiErrors *prometheus.CounterVec
	rpc       *prometheus.HistogramVec
	cache     *prometheus.CounterVec
	cacheDown *prometheus.CounterVec
	caches    sync.Map // cache name -> *[2]prometheus.Counter (hit, miss): no label hashing per lookup
}

// New builds a registry with Go runtime and process collectors.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		Registry: reg,
		http: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: HTTPDuration, Help: "HTTP requests served by the gateway, by route and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "code"}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: HTTPAPIErrors, Help: "Gateway answers whose JSON status_code is not 0, by route and status_code.",
		}, []string{"route", "status_code"}),
		rpc: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: RPCDuration, Help: "RPCs served by Kitex servers, by service, method and outcome.",
			Buckets: prometheus.DefBuckets,
		}, []string{"service", "method", "outcome"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: CacheRequests, Help: "Entity cache lookups, by cache and result (hit or miss).",
		}, []string{"cache", "result"}),
		cacheDown: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: CacheDegraded, Help: "Redis failures served around (reads from the database, invalidations retried), by operation.",
		}, []string{"op"}),
	}
	reg.MustRegister(m.http, m.apiErrors, m.rpc, m.cache, m.cacheDown)
	return m
}

// CacheLookups counts one batch lookup of cache: hits found, misses not.
func (m *Metrics) CacheLookups(cache string, hits, misses int) {
	if m == nil {
		return
	}
	counters, ok := m.caches.Load(cache)
	if !ok {
		counters, _ = m.caches.LoadOrStore(cache, &[2]prometheus.Counter{m.cache.WithLabelValues(cache, "hit"), m.cache.WithLabelValues(cache, "miss")})
	}
	c := counters.(*[2]prometheus.Counter)
	if hits > 0 {
		c[0].Add(float64(hits))
	}
	if misses > 0 {
		c[1].Add(float64(misses))
	}
}

// Hertz is the gateway middleware that times every request.
func (m *Metrics) Hertz() app.HandlerFunc {
	return func(ctx context.Context, c *app.RequestContext) {
		if m == nil {
			c.Next(ctx)
			return
		}
		start := time.Now()
		c.Next(ctx)
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.http.WithLabelValues(route, strconv.Itoa(c.Response.StatusCode())).Observe(time.Since(start).Seconds())
		if code, ok := apiStatus(&c.Response); ok && code != "0" {
			m.apiErrors.WithLabelValues(route, code).Inc()
		}
	}
}

var statusPrefix = []byte(`{"status_code":`)

// apiStatus reads the status_code a JSON answer starts with (every
// gateway answer does; streamed media bodies are not read).
func apiStatus(res interface {
	IsBodyStream() bool
	Body() []byte
}) (string, bool) {
	if res.IsBodyStream() {
		return "", false
	}
	rest, ok := bytes.CutPrefix(res.Body(), statusPrefix)
	if !ok {
		return "", false
	}
	end := 0
	for end < len(rest) && (rest[end] == '-' || rest[end] >= '0' && rest[end] <= '9') {
		end++
	}
	return string(rest[:end]), end > 0
}

// KitexServer is the server middleware that times every RPC of service.
func (m *Metrics) KitexServer(service string) endpoint.Middleware {
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req, resp any) error {
			if m == nil {
				return next(ctx, req, resp)
			}
			start := time.Now()
			err := next(ctx, req, resp)
			method := "unknown"
			if ri := rpcinfo.GetRPCInfo(ctx); ri != nil {
				method = ri.To().Method()
			}
			outcome := "ok"
			if err != nil {
				outcome = "error"
			}
			m.rpc.WithLabelValues(service, method, outcome).Observe(time.Since(start).Seconds())
			return err
		}
	}
}

// Gauge registers a gauge read from fn at every scrape.
func (m *Metrics) Gauge(name, help string, labels prometheus.Labels, fn func() float64) {
	if m == nil {
		return
	}
	_ = m.Registry.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels}, fn))
}

// Counter registers a counter read from fn at every scrape.
func (m *Metrics) Counter(name, help string, labels prometheus.Labels, fn func() float64) {
	if m == nil {
		return
	}
	_ = m.Registry.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels}, fn))
}

// CacheDegraded counts a Redis failure of op ("read", "invalidate"), while
// requests are served from the database.
func (m *Metrics) CacheDegraded(op string) {
	if m == nil {
		return
	}
	m.cacheDown.WithLabelValues(op).Inc()
}
