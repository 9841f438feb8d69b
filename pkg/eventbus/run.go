package eventbus

import (
	"context"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/periodic"
)

// RunRelay relays outbox to the brokers until ctx ends.
func RunRelay(ctx context.Context, db *gorm.DB, outbox *Outbox, brokers []string, log *slog.Logger) {
	writer := NewWriter(brokers)
	defer writer.Close()
	NewRelay(db, outbox, writer, log).Run(ctx)
}

// RunConsumer consumes the brokers with c until ctx ends, pruning old
// applied event ids as it goes.
func RunConsumer(ctx context.Context, c *Consumer, brokers []string) {
	reader := NewReader(brokers, c.Group(), c.Topics())
	defer reader.Close()
	go periodic.Run(ctx, time.Hour, c.log, c.prune)
	c.Run(ctx, reader)
}
