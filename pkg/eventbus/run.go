package eventbus

import (
	"context"
	"log/slog"
	"time"

	"github.com/segmentio/kafka-go"

	"gorm.io/gorm"
)

// RunRelay relays outbox to the brokers until ctx ends.
func RunRelay(ctx context.Context, db *gorm.DB, outbox *Outbox, brokers []string, log *slog.Logger) {
	writer := NewWriter(brokers)
	defer writer.Close()
	NewRelay(db, outbox, writer, log).Run(ctx)
}

// RunConsumer consumes the brokers with c until ctx ends; observe (if
// given) sees the reader first, e.g. to export its lag.
func RunConsumer(ctx context.Context, c *Consumer, brokers []string, observe ...func(*kafka.Reader)) {
	reader := NewReader(brokers, c.Group(), c.Topics())
	defer reader.Close()
	for _, o := range observe {
		o(reader)
	}
	go c.pruneLoop(ctx, time.Hour)
	c.Run(ctx, reader)
}
