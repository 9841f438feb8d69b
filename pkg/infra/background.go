package infra

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/douyin-go/douyin/pkg/eventbus"
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
	eventbus.RunConsumer(ctx, c, d.Config.KafkaBrokers, func(reader *kafka.Reader) {
		d.Metrics.Gauge("douyin_consumer_lag", "Messages behind the end of the partitions this consumer reads.",
			prometheus.Labels{"group": c.Group()}, func() float64 { return float64(reader.Lag()) })
	})
}
