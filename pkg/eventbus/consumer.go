package eventbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Route applies one topic's events.
type Route struct {
	Topic string
	// apply runs inside the transaction that records the event as processed.
	apply func(ctx context.Context, tx *gorm.DB, payload []byte) error
	// afterCommit runs once the transaction committed (cache invalidation).
	afterCommit func(ctx context.Context, payload []byte)
}

// On builds the Route of topic for events of type T: apply changes state in
// tx; after (optional) runs after commit.
func On[T any](topic string, apply func(ctx context.Context, tx *gorm.DB, ev T) error, after func(ctx context.Context, ev T)) Route {
	decode := func(payload []byte) (T, error) {
		var ev T
		err := json.Unmarshal(payload, &ev)
		return ev, err
	}
	r := Route{Topic: topic}
	r.apply = func(ctx context.Context, tx *gorm.DB, payload []byte) error {
		ev, err := decode(payload)
		if err != nil {
			return errPoison{fmt.Errorf("decode %s event: %w", topic, err)}
		}
		return apply(ctx, tx, ev)
	}
	if after != nil {
		r.afterCommit = func(ctx context.Context, payload []byte) {
			if ev, err := decode(payload); err == nil {
				after(ctx, ev)
			}
		}
	}
	return r
}

// errPoison marks an event that can never be applied; it is skipped.
type errPoison struct{ error }

// processedRecord remembers an applied event for one consumer group.
type processedRecord struct {
	EventID   string    `gorm:"primaryKey;size:36"`
	AppliedAt time.Time `gorm:"not null"`
}

// Consumer applies events of its routes exactly once per consumer group.
type Consumer struct {
	group   string
	db      *gorm.DB
	table   string
	routes  map[string]Route
	applied *Applied
	log     *slog.Logger

	lagMu sync.Mutex
	lags  map[string]int64 // "topic/partition" -> messages after the last one applied
}

// NewConsumer builds the consumer of group, recording processed ids in
// "<group>_processed". applied may be nil.
func NewConsumer(group string, db *gorm.DB, applied *Applied, log *slog.Logger, routes ...Route) *Consumer {
	c := &Consumer{group: group, db: db, table: tableName(group), routes: map[string]Route{}, applied: applied, log: log, lags: map[string]int64{}}
	for _, r := range routes {
		c.routes[r.Topic] = r
	}
	return c
}

func tableName(group string) string {
	out := []rune{}
	for _, r := range group {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			out = append(out, r)
		} else {
			out = append(out, '_')
		}
	}
	return string(out) + "_processed"
}

// Group is the consumer group id.
func (c *Consumer) Group() string { return c.group }

// Topics lists the topics this consumer reads.
func (c *Consumer) Topics() []string {
	topics := make([]string, 0, len(c.routes))
	for t := range c.routes {
		topics = append(topics, t)
	}
	return topics
}

// Migrate creates the processed-events table.
func (c *Consumer) Migrate(db *gorm.DB) error {
	return db.Table(c.table).AutoMigrate(&processedRecord{})
}

// Apply applies one event unless this group already did; it reports whether
// the event changed anything. Safe to call any number of times per event.
func (c *Consumer) Apply(ctx context.Context, topic, eventID string, payload []byte) (bool, error) {
	route, ok := c.routes[topic]
	if !ok {
		return false, nil
	}
	fresh := false
	err := c.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Table(c.table).Clauses(clause.OnConflict{DoNothing: true}).
			Create(&processedRecord{EventID: eventID, AppliedAt: time.Now().UTC()})
		if res.Error != nil {
			return fmt.Errorf("record processed event: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil // already applied: redelivery changes nothing
		}
		fresh = true
		return route.apply(ctx, tx, payload)
	})
	if err != nil {
		return false, err
	}
	if fresh && route.afterCommit != nil {
		route.afterCommit(ctx, payload)
	}
	c.applied.Mark(ctx, c.group, eventID)
	return fresh, nil
}

// NewReader is the Kafka consumer-group reader every consumer uses:
// synchronous commits after each applied event, starting from the earliest
// offset so events published before the group first joined are not lost.
func NewReader(brokers []string, group string, topics []string) *kafka.Reader {
	return kafka.NewReader(kafka.ReaderConfig{
		Brokers:           brokers,
		GroupID:           group,
		GroupTopics:       topics,
		MinBytes:          1,
		MaxBytes:          10 << 20,
		MaxWait:           250 * time.Millisecond,
		ReadBackoffMin:    5 * time.Millisecond,
		ReadBackoffMax:    100 * time.Millisecond,
		CommitInterval:    0,
		StartOffset:       kafka.FirstOffset,
		HeartbeatInterval: time.Second,
		SessionTimeout:    10 * time.Second,
		RebalanceTimeout:  5 * time.Second,
		JoinGroupBackoff:  200 * time.Millisecond,
	})
}

// Fetcher is the part of *kafka.Reader the consumer loop needs.
type Fetcher interface {
	FetchMessage(ctx context.Context) (kafka.Message, error)
	CommitMessages(ctx context.Context, msgs ...kafka.Message) error
}

// Run consumes from reader until ctx ends. An event that fails to apply is
// retried with backoff and its offset is not committed until it succeeds,
// so a database outage delays counters but never loses an event.
func (c *Consumer) Run(ctx context.Context, reader Fetcher) {
	for {
		msg, err := reader.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			c.log.Warn("kafka fetch failed", "group", c.group, "err", err)
			sleep(ctx, 200*time.Millisecond)
			continue
		}
		c.applyWithRetry(ctx, msg)
		if ctx.Err() != nil {
			return
		}
		c.noteLag(msg)
		if err := reader.CommitMessages(ctx, msg); err != nil && ctx.Err() == nil {
			c.log.Warn("kafka commit failed; event may be redelivered", "group", c.group, "err", err)
		}
	}
}

// noteLag records how far msg's partition was behind once msg was applied.
func (c *Consumer) noteLag(msg kafka.Message) {
	key := fmt.Sprintf("%s/%d", msg.Topic, msg.Partition)
	c.lagMu.Lock()
	c.lags[key] = max(msg.HighWaterMark-msg.Offset-1, 0)
	c.lagMu.Unlock()
}

// Lag is how many messages of its partitions this consumer had still to
// apply, as of the last message it applied from each. (kafka.Reader's own
// Lag is always -1 for a consumer-group reader.)
func (c *Consumer) Lag() int64 {
	c.lagMu.Lock()
	defer c.lagMu.Unlock()
	var total int64
	for _, n := range c.lags {
		total += n
	}
	return total
}

func (c *Consumer) applyWithRetry(ctx context.Context, msg kafka.Message) {
	ctx, span := startConsumeSpan(ctx, c.group, &msg)
	defer span.End()
	id := eventID(msg)
	backoff := 20 * time.Millisecond
	for {
		_, err := c.Apply(ctx, msg.Topic, id, msg.Value)
		var poison errPoison
		switch {
		case err == nil:
			return
		case errors.As(err, &poison):
			c.log.ErrorContext(ctx, "skipping event that cannot be applied", "group", c.group, "topic", msg.Topic, "event", id, "err", err)
			return
		case ctx.Err() != nil:
			return
		}
		c.log.WarnContext(ctx, "applying event failed; retrying", "group", c.group, "topic", msg.Topic, "event", id, "err", err)
		sleep(ctx, backoff)
		backoff = min(backoff*2, 5*time.Second)
	}
}

// eventID reads the id header; messages without one (not from a relay) get
// a stable id from their position so redelivery is still harmless.
func eventID(msg kafka.Message) string {
	for _, h := range msg.Headers {
		if h.Key == HeaderEventID && len(h.Value) > 0 {
			return string(h.Value)
		}
	}
	return fmt.Sprintf("%s-%d-%d", msg.Topic, msg.Partition, msg.Offset)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// ProcessedRetention is how long applied event ids are remembered. Kafka
// keeps messages for 7 days by default, so no redelivery comes later.
const ProcessedRetention = 14 * 24 * time.Hour

// Prune forgets event ids applied before cutoff and reports how many.
func (c *Consumer) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	res := c.db.WithContext(ctx).Table(c.table).Where("applied_at < ?", cutoff.UTC()).Delete(&processedRecord{})
	return res.RowsAffected, res.Error
}

// prune forgets applied event ids older than ProcessedRetention.
func (c *Consumer) prune(ctx context.Context) {
	if _, err := c.Prune(ctx, time.Now().Add(-ProcessedRetention)); err != nil && ctx.Err() == nil {
		c.log.Warn("prune processed events", "group", c.group, "err", err)
	}
}
