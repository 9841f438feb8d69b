// Package eventbus is the transactional outbox → Kafka → idempotent consumer
// pipeline that keeps every douyin counter. A service writes its state
// change and an outbox row in one transaction (Outbox), a Relay publishes
// outbox rows to Kafka, and a Consumer applies each event exactly once by
// recording its id in the same transaction as the counter update.
package eventbus

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// Event is a fact worth publishing. Topic picks the Kafka topic; Key picks
// the partition, keeping one entity's events in order.
type Event interface {
	Topic() string
	Key() string
}

// outboxRecord is one event waiting to be relayed; rows are deleted once
// Kafka has acknowledged them.
type outboxRecord struct {
	Seq       int64     `gorm:"primaryKey;autoIncrement"`
	EventID   string    `gorm:"size:36;not null"`
	Topic     string    `gorm:"size:128;not null"`
	Key       string    `gorm:"size:64;not null"`
	Payload   []byte    `gorm:"not null"`
	Trace     []byte    // W3C trace context of the request that wrote it
	CreatedAt time.Time `gorm:"not null"`
}

// Outbox is one service's outbox table.
type Outbox struct {
	table string
	wake  chan struct{}

	mu       sync.Mutex
	batchers map[*gorm.DB]*txBatcher
}

// NewOutbox names the service's outbox table (e.g. "user_outbox").
func NewOutbox(table string) *Outbox {
	return &Outbox{table: table, wake: make(chan struct{}, 1), batchers: map[*gorm.DB]*txBatcher{}}
}

// Migrate creates the outbox table.
func (o *Outbox) Migrate(db *gorm.DB) error {
	return db.Table(o.table).AutoMigrate(&outboxRecord{})
}

// Table is the outbox's table name.
func (o *Outbox) Table() string { return o.table }

// Emit records events inside a transaction.
type Emit func(events ...Event) error

// Transact runs fn atomically, giving it an Emit that writes events to the
// outbox in the same transaction as fn's changes. After commit it wakes the
// relay and returns the ids of the events written, so a caller can wait
// for them to be applied.
//
// Concurrent calls on one database share a transaction (group commit: one
// commit for many actions); fn must therefore only rely on its own
// changes, and any failure runs each fn again on its own, so one action's
// error never becomes another's.
func (o *Outbox) Transact(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB, emit Emit) error) ([]string, error) {
	return o.batcher(db).run(ctx, fn)
}

// transactAlone runs fn in a transaction of its own.
func (o *Outbox) transactAlone(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB, emit Emit) error) ([]string, error) {
	var ids []string
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		ids, err = o.runIn(tx, fn)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		o.Wake()
	}
	return ids, nil
}

// runIn runs fn inside tx and returns the ids of the events it emitted.
func (o *Outbox) runIn(tx *gorm.DB, fn func(tx *gorm.DB, emit Emit) error) ([]string, error) {
	var ids []string
	emit := func(events ...Event) error {
		for _, ev := range events {
			id, err := o.add(tx, ev)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	}
	return ids, fn(tx, emit)
}

func (o *Outbox) batcher(db *gorm.DB) *txBatcher {
	o.mu.Lock()
	defer o.mu.Unlock()
	b, ok := o.batchers[db]
	if !ok {
		b = newTxBatcher(o, db)
		o.batchers[db] = b
	}
	return b
}

func (o *Outbox) add(tx *gorm.DB, ev Event) (string, error) {
	payload, err := json.Marshal(ev)
	if err != nil {
		return "", fmt.Errorf("encode %s event: %w", ev.Topic(), err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	rec := outboxRecord{EventID: id.String(), Topic: ev.Topic(), Key: ev.Key(), Payload: payload,
		Trace: captureTrace(tx.Statement.Context), CreatedAt: time.Now().UTC()}
	if err := tx.Table(o.table).Create(&rec).Error; err != nil {
		return "", fmt.Errorf("write outbox: %w", err)
	}
	return rec.EventID, nil
}

// Wake tells the relay there is something to publish; it never blocks.
func (o *Outbox) Wake() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Pending counts events not yet relayed (the outbox backlog).
func (o *Outbox) Pending(ctx context.Context, db *gorm.DB) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Table(o.table).Count(&n).Error
	return n, err
}

// Tables is what data access that writes events embeds: its database and
// the service's outbox, so a change and its events commit together.
type Tables struct {
	DB     *gorm.DB
	Outbox *Outbox
}

// Transact is Outbox.Transact on t's database.
func (t Tables) Transact(ctx context.Context, fn func(tx *gorm.DB, emit Emit) error) ([]string, error) {
	return t.Outbox.Transact(ctx, t.DB, fn)
}
