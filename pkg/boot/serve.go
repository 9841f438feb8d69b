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

// Serve serves svr and runs bg until ctx ends or one of them fails.
func (d *Deps) Serve(ctx context.Context, svr server.Server, bg Background) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, loop := range bg.Loops {
		g.Go(func() error { loop(ctx); return nil })
	}
	if bg.Outbox != nil {
		g.Go(func() error { d.runRelay(ctx, bg.Outbox); return nil })
	}
	if bg.Consumer != nil {
		g.Go(func() error { d.runConsumer(ctx, bg.Consumer); return nil })
	}
	g.Go(func() error { return rpc.Serve(ctx, svr) })
	return g.Wait()
}

// runRelay relays outbox to Kafka until ctx ends, exposing its backlog as
// the douyin_outbox_backlog gauge.
func (d *Deps) runRelay(ctx context.Context, outbox *eventbus.Outbox) {
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

// runConsumer consumes Kafka with c until ctx ends, exposing its lag as
// the douyin_consumer_lag gauge.
func (d *Deps) runConsumer(ctx context.Context, c *eventbus.Consumer) {
	d.Metrics.Gauge("douyin_consumer_lag", "Messages behind the end of the partitions this consumer reads.",
		prometheus.Labels{"group": c.Group()}, func() float64 { return float64(c.Lag()) })
	d.Metrics.Counter("douyin_consumer_dead_letters_total", "Events set aside in the dead-letter table since start.",
		prometheus.Labels{"group": c.Group()}, func() float64 { return float64(c.DeadLetters()) })
	eventbus.RunConsumer(ctx, c, d.Config.KafkaBrokers)
}
