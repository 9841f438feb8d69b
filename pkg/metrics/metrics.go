// Package metrics holds a process's Prometheus metrics: request counts and
// latencies of the HTTP gateway and of every Kitex server, plus gauges the
// services register (Kafka consumer lag, outbox backlog). A nil *Metrics
// records nothing, so code paths stay the same with metrics off.
package metrics

import (
	"context"
	"strconv"
	"time"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/kitex/pkg/endpoint"
	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics is one process's metric registry.
type Metrics struct {
	Registry *prometheus.Registry
	http     *prometheus.HistogramVec
	rpc      *prometheus.HistogramVec
}

// New builds a registry with Go runtime and process collectors.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		Registry: reg,
		http: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "douyin_http_request_duration_seconds", Help: "HTTP requests served by the gateway, by route and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "code"}),
		rpc: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "douyin_rpc_server_duration_seconds", Help: "RPCs served by Kitex servers, by service, method and outcome.",
			Buckets: prometheus.DefBuckets,
		}, []string{"service", "method", "outcome"}),
	}
	reg.MustRegister(m.http, m.rpc)
	return m
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
	}
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
