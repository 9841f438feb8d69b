package boot

import (
	"context"
	"time"

	"github.com/cloudwego/kitex/server"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// RunRelay relays outbox to Kafka until ctx ends, exposing its backlog as
// the douyin_outbox_backlog gauge.
func (d *Deps) RunRelay(ctx context.Context, outbox *eventbus.Outbox) {
	d.Metrics.Gauge("douyin_outbox_backlog", "Events written but not yet published to Kafka.",
		prometheus.Labels{"table": outbox.Table()}, func() float64 {
			qctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			n, err := outbox.Pending(qctx, d.DB)
			if err != nil {
				return -1
			}
			return float64(n)
		})
	eventbus.RunRelay(ctx, d.DB, outbox, d.Config.KafkaBrokers, d.Log)
}

// RunConsumer consumes Kafka with c until ctx ends, exposing its lag as the
// douyin_consumer_lag gauge.
func (d *Deps) RunConsumer(ctx context.Context, c *eventbus.Consumer) {
	d.Metrics.Gauge("douyin_consumer_lag", "Messages behind the end of the partitions this consumer reads.",
		prometheus.Labels{"group": c.Group()}, func() float64 { return float64(c.Lag()) })
	eventbus.RunConsumer(ctx, c, d.Config.KafkaBrokers)
}

// Serve serves svr and runs the service's outbox relay and counter
// consumer (either may be nil) and any other background loops until ctx
// ends or one of them fails.
func (d *Deps) Serve(ctx context.Context, svr server.Server, outbox *eventbus.Outbox, consumer *eventbus.Consumer, loops ...func(context.Context)) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, loop := range loops {
		g.Go(func() error { loop(ctx); return nil })
	}
	if outbox != nil {
		g.Go(func() error { d.RunRelay(ctx, outbox); return nil })
	}
	if consumer != nil {
		g.Go(func() error { d.RunConsumer(ctx, consumer); return nil })
	}
	g.Go(func() error { return rpc.Serve(ctx, svr) })
	return g.Wait()
}
