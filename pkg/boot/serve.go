package boot

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/cloudwego/kitex/pkg/registry"
	"github.com/cloudwego/kitex/server"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/metrics"
	"github.com/douyin-go/douyin/pkg/rpc"
	"github.com/douyin-go/douyin/pkg/telemetry"
)

// Background is what a service runs beside its RPC server; every field is
// optional.
type Background struct {
	// Outbox is relayed to Kafka.
	Outbox *eventbus.Outbox
	// Consumer applies Kafka events.
	Consumer *eventbus.Consumer
	// Loops run until their context ends.
	Loops []func(context.Context)
}

// Serve serves svr (built with d.ServerSuite) and runs bg until ctx ends or
// the server fails. With service discovery it registers the server once it
// is ready (listening, required checks passing) and keeps it registered;
// when ctx ends it deregisters, keeps serving for the shutdown drain (longer
// than the clients' refresh, so none still calls it), then stops. The
// background work runs until the server has stopped.
func (d *Deps) Serve(ctx context.Context, svr server.Server, bg Background) error {
	bgCtx, stopBackground := context.WithCancel(telemetry.WithComponent(context.WithoutCancel(ctx), d.Tracer))
	var g errgroup.Group
	defer func() { stopBackground(); _ = g.Wait() }()
	for _, loop := range bg.Loops {
		g.Go(func() error { loop(bgCtx); return nil })
	}
	if bg.Outbox != nil {
		g.Go(func() error { d.runRelay(bgCtx, bg.Outbox); return nil })
	}
	if bg.Consumer != nil {
		g.Go(func() error { d.runConsumer(bgCtx, bg.Consumer); return nil })
	}

	stopped := make(chan error, 1)
	go func() { stopped <- svr.Run() }()
	if err := waitServing(ctx, d.listen, stopped); err != nil {
		return err
	}
	d.phase.serving()
	info, err := d.startRegistration(ctx)
	if err != nil {
		_ = svr.Stop()
		return errors.Join(err, <-stopped)
	}
	select {
	case err := <-stopped:
		return err
	case <-ctx.Done():
	}
	d.phase.draining()
	if info != nil {
		if err := d.Registry.Deregister(info); err != nil {
			d.Log.Warn("deregister from etcd failed; the lease drops this instance later", "err", err)
		}
		d.Log.Info("deregistered; draining before stopping", "drain", d.Config.ShutdownDrain)
		time.Sleep(d.Config.ShutdownDrain)
	}
	if err := svr.Stop(); err != nil {
		return err
	}
	return <-stopped
}

// waitServing waits until something accepts connections at listen, the
// server failed, or ctx ended.
func waitServing(ctx context.Context, listen string, stopped <-chan error) error {
	ready := make(chan error, 1)
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { ready <- WaitListening(lctx, listen) }()
	select {
	case err := <-stopped:
		if err == nil {
			err = errors.New("server stopped before it served")
		}
		return err
	case err := <-ready:
		return err
	}
}

// startRegistration registers this component in etcd once every required
// check but its registration passes, and reports its registration in
// readiness and metrics. It returns the registry entry (nil without
// service discovery).
func (d *Deps) startRegistration(ctx context.Context) (*registry.Info, error) {
	if d.Registry == nil {
		return nil, nil
	}
	info, err := rpc.Advertised(d.Name, d.listen, d.Config.AdvertiseHost)
	if err != nil {
		return nil, err
	}
	check := d.Name + " registered"
	d.Ready.Require(check, func(context.Context) error { return d.Registry.Registered(info) })
	d.Metrics.Gauge(metrics.Registered, "1 while this instance is registered in etcd.", prometheus.Labels{"service": d.Name}, func() float64 {
		if d.Registry.Registered(info) != nil {
			return 0
		}
		return 1
	})
	go func() {
		for {
			failures, _ := d.Ready.Report(ctx)
			delete(failures, check)
			if len(failures) == 0 {
				_ = d.Registry.Register(info)
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(500 * time.Millisecond):
			}
		}
	}()
	return info, nil
}

// runRelay relays outbox to Kafka until ctx ends, once the topics exist,
// exposing its backlog as the douyin_outbox_backlog gauge.
func (d *Deps) runRelay(ctx context.Context, outbox *eventbus.Outbox) {
	d.Metrics.Gauge(metrics.OutboxBacklog, "Events written but not yet published to Kafka.",
		prometheus.Labels{"table": outbox.Table()}, func() float64 {
			qctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			n, err := outbox.Pending(qctx, d.DB)
			if err != nil {
				return -1
			}
			return float64(n)
		})
	if d.Topics != nil && d.Topics.Wait(ctx) != nil {
		return
	}
	eventbus.RunRelay(ctx, d.DB, outbox, d.Kafka, d.Log)
}

// runConsumer consumes Kafka with c until ctx ends, once the topics exist,
// exposing its lag as the douyin_consumer_lag gauge.
func (d *Deps) runConsumer(ctx context.Context, c *eventbus.Consumer) {
	d.Metrics.Gauge(metrics.ConsumerLag, "Messages behind the end of the partitions this consumer reads.",
		prometheus.Labels{"group": c.Group()}, func() float64 { return float64(c.Lag()) })
	d.Metrics.Counter(metrics.DeadLetters, "Events set aside in the dead-letter table since start.",
		prometheus.Labels{"group": c.Group()}, func() float64 { return float64(c.DeadLetters()) })
	if d.Topics != nil && d.Topics.Wait(ctx) != nil {
		return
	}
	eventbus.RunConsumer(ctx, c, d.Kafka)
}

// WaitListening blocks until something accepts connections at the listen
// address listen, or ctx ends.
func WaitListening(ctx context.Context, listen string) error {
	addr := dialable(listen)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = conn.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// dialable turns a listen address such as ":8080" into one to dial.
func dialable(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil || host == "" || host == "0.0.0.0" || host == "::" {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return listen
}

// Service is a built Kitex service: how to make its server, where it
// listens, and what runs beside it. It is the Runner every service's Build
// returns.
type Service struct {
	Deps *Deps
	Addr string
	// NewServer is the generated constructor bound to the service's handler.
	NewServer  func(opts ...server.Option) server.Server
	Background Background
}

// Run serves the service until ctx ends (see Deps.Serve).
func (s Service) Run(ctx context.Context) error {
	svr := s.NewServer(server.WithSuite(s.Deps.ServerSuite(s.Addr)))
	return s.Deps.Serve(ctx, svr, s.Background)
}
