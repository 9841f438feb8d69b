package eventbus

import (
	"context"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/periodic"
)

// RunRelay relays outbox to Kafka until ctx ends.
func RunRelay(ctx context.Context, db *gorm.DB, outbox *Outbox, k Kafka, log *slog.Logger) {
	writer := NewWriter(k)
	defer writer.Close()
	NewRelay(db, outbox, writer, log).Run(ctx)
}

// RunConsumer consumes Kafka with c until ctx ends, pruning old applied
// event ids as it goes.
func RunConsumer(ctx context.Context, c *Consumer, k Kafka) {
	reader := NewReader(k, c.Group(), c.Topics())
	defer reader.Close()
	go periodic.Run(ctx, time.Hour, c.log, c.prune)
	c.Run(ctx, reader)
}
