package eventbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Route applies one topic's events.
type Route struct {
	Topic string
	// apply runs inside the transaction that records the event as processed.
	apply func(ctx context.Context, tx *gorm.DB, payload []byte) error
	// afterCommit runs once the transaction committed, with the payloads
	// of every event of this topic it applied (cache invalidation).
	afterCommit func(ctx context.Context, payloads [][]byte)
}

// On builds the Route of topic for events of type T: apply changes state in
// tx; after (optional) runs after commit with the events applied, all at
// once, so a batch of events costs one round of invalidations.
func On[T any](topic string, apply func(ctx context.Context, tx *gorm.DB, ev T) error, after func(ctx context.Context, evs []T)) Route {
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
		r.afterCommit = func(ctx context.Context, payloads [][]byte) {
			evs := make([]T, 0, len(payloads))
			for _, p := range payloads {
				if ev, err := decode(p); err == nil {
					evs = append(evs, ev)
				}
			}
			after(ctx, evs)
		}
	}
	return r
}

// errPoison marks an event that can never be applied: it is set aside in
// the dead-letter table instead of blocking its partition.
type errPoison struct{ error }

// Delivery is one event as Kafka delivered it.
type Delivery struct {
	Topic   string
	EventID string
	Payload []byte
}

// processedRecord remembers an applied event for one consumer group.
type processedRecord struct {
	EventID   string    `gorm:"primaryKey;size:36"`
	AppliedAt time.Time `gorm:"not null"`
}

// deadLetter is an event that could not be applied, kept for an operator.
type deadLetter struct {
	EventID string    `gorm:"primaryKey;size:64"`
	Topic   string    `gorm:"size:128;not null"`
	Payload []byte    `gorm:"not null"`
	Error   string    `gorm:"size:1000;not null"`
	At      time.Time `gorm:"not null"`
}

// Consumer applies events of its routes exactly once per consumer group.
type Consumer struct {
	group     string
	db        *gorm.DB
	table     string
	deadTable string
	routes    map[string]Route
	applied   *Applied
	log       *slog.Logger
	dead      atomic.Int64 // events set aside since start
	// Retry is how an event that fails is retried: Attempts tries (while
	// the database answers) before it is set aside, the first Backoff
	// apart, doubling up to 5 s.
	Retry struct {
		Attempts int
		Backoff  time.Duration
	}

	lagMu sync.Mutex
	lags  map[string]int64 // "topic/partition" -> messages after the last one applied
}

// NewConsumer builds the consumer of group, recording processed ids in
// "<group>_processed" and events it cannot apply in
// "<group>_dead_letters". applied may be nil.
func NewConsumer(group string, db *gorm.DB, applied *Applied, log *slog.Logger, routes ...Route) *Consumer {
	c := &Consumer{group: group, db: db, table: tableName(group) + "_processed", deadTable: tableName(group) + "_dead_letters",
		routes: map[string]Route{}, applied: applied, log: log, lags: map[string]int64{}}
	c.Retry.Attempts, c.Retry.Backoff = 12, 20*time.Millisecond
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
	return string(out)
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

// Migrate creates the processed-events and dead-letter tables.
func (c *Consumer) Migrate(db *gorm.DB) error { return MigrateProcessed(c.group)(db) }

// MigrateProcessed creates the processed-events and dead-letter tables of
// group, without building its consumer (a migration job has no Kafka).
func MigrateProcessed(group string) func(*gorm.DB) error {
	return func(db *gorm.DB) error {
		if err := db.Table(tableName(group) + "_processed").AutoMigrate(&processedRecord{}); err != nil {
			return err
		}
		return db.Table(tableName(group) + "_dead_letters").AutoMigrate(&deadLetter{})
	}
}

// DeadLetters is how many events this consumer set aside since it started.
func (c *Consumer) DeadLetters() int64 { return c.dead.Load() }

// Apply applies one event unless this group already did; it reports whether
// the event changed anything. Safe to call any number of times per event.
func (c *Consumer) Apply(ctx context.Context, topic, eventID string, payload []byte) (bool, error) {
	fresh, err := c.ApplyBatch(ctx, []Delivery{{Topic: topic, EventID: eventID, Payload: payload}})
	return err == nil && fresh[0], err
}

// ApplyBatch applies the events this group has not applied yet, all in one
// transaction (one commit however many), and reports which changed
// anything. Either every event is applied or none is.
func (c *Consumer) ApplyBatch(ctx context.Context, ds []Delivery) (fresh []bool, err error) {
	fresh = make([]bool, len(ds))
	now := time.Now().UTC()
	err = c.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for i, d := range ds {
			route, ok := c.routes[d.Topic]
			if !ok {
				continue
			}
			res := tx.Table(c.table).Clauses(clause.OnConflict{DoNothing: true}).
				Create(&processedRecord{EventID: d.EventID, AppliedAt: now})
			if res.Error != nil {
				return fmt.Errorf("record processed event: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				continue // already applied: redelivery changes nothing
			}
			fresh[i] = true
			if err := route.apply(ctx, tx, d.Payload); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.afterCommit(ctx, ds, fresh)
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.EventID
	}
	c.applied.Mark(ctx, c.group, ids...)
	return fresh, nil
}

// afterCommit runs each route's after-commit step once, with the events of
// its topic that were fresh.
func (c *Consumer) afterCommit(ctx context.Context, ds []Delivery, fresh []bool) {
	byTopic := map[string][][]byte{}
	for i, d := range ds {
		if fresh[i] {
			byTopic[d.Topic] = append(byTopic[d.Topic], d.Payload)
		}
	}
	for topic, payloads := range byTopic {
		if after := c.routes[topic].afterCommit; after != nil {
			after(ctx, payloads)
		}
	}
}

// setAside records d in the dead-letter table, so its partition moves on.
func (c *Consumer) setAside(ctx context.Context, d Delivery, cause error) error {
	c.dead.Add(1)
	c.log.ErrorContext(ctx, "event set aside in the dead-letter table", "group", c.group, "topic", d.Topic, "event", d.EventID, "err", cause)
	msg := cause.Error()
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	return c.db.WithContext(ctx).Table(c.deadTable).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&deadLetter{EventID: d.EventID, Topic: d.Topic, Payload: d.Payload, Error: msg, At: time.Now().UTC()}).Error
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

func isPoison(err error) bool {
	var p errPoison
	return errors.As(err, &p)
}

// Invalidator drops cached copies of rows.
type Invalidator interface {
	Invalidate(ctx context.Context, ids ...int64) error
}

// Forget is the after-commit step of consumers that change cached rows:
// it drops the cached copies of ids, logging a failure (the cache retries
// an invalidation Redis refused on its own).
func Forget(cached Invalidator, what string, log *slog.Logger) func(ctx context.Context, ids ...int64) {
	return func(ctx context.Context, ids ...int64) {
		if err := cached.Invalidate(ctx, ids...); err != nil {
			log.WarnContext(ctx, "invalidate cached "+what, "ids", ids, "err", err)
		}
	}
}
