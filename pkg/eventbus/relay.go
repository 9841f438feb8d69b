package eventbus

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/periodic"
)

// Publisher is the part of *kafka.Writer the relay needs.
type Publisher interface {
	WriteMessages(ctx context.Context, msgs ...kafka.Message) error
}

// HeaderEventID carries the event id beside the payload.
const HeaderEventID = "event-id"

// Relay publishes an outbox's rows to Kafka in order and deletes them once
// Kafka acknowledged them. A crash between publish and delete republishes;
// consumers are idempotent, so that is harmless. While Kafka is down rows
// wait in the outbox: a committed event is never lost.
type Relay struct {
	db        *gorm.DB
	outbox    *Outbox
	publisher Publisher
	batch     int
	poll      time.Duration
	log       *slog.Logger
	lead      *leadership
}

// NewRelay relays outbox through publisher.
func NewRelay(db *gorm.DB, outbox *Outbox, publisher Publisher, log *slog.Logger) *Relay {
	return &Relay{db: db, outbox: outbox, publisher: publisher, batch: 200, poll: time.Second, log: log,
		lead: newLeadership(db, outbox.table)}
}

// NewWriter is the Kafka writer every relay uses: acks from every in-sync
// replica (topics are created so that min.insync.replicas can be met, see
// EnsureTopics), hashing keys to partitions, and a tiny batch delay so
// counters follow actions within milliseconds.
func NewWriter(k Kafka) *kafka.Writer {
	return &kafka.Writer{
		Addr:                   kafka.TCP(k.Brokers...),
		Transport:              k.transport(),
		Balancer:               &kafka.Hash{},
		RequiredAcks:           kafka.RequireAll,
		BatchTimeout:           time.Millisecond,
		AllowAutoTopicCreation: true,
	}
}

// Run relays until ctx ends: at once when woken, else every poll interval,
// backing off while Kafka fails.
//
// Only one relay of an outbox publishes at a time (see leadership); the
// others wait and take over when it stops.
func (r *Relay) Run(ctx context.Context) {
	backoff := 50 * time.Millisecond
	timer := time.NewTimer(0)
	defer timer.Stop()
	defer r.lead.release()
	for {
		var (
			n   int
			err error
		)
		wait := r.poll
		if r.lead.held(ctx) {
			n, err = r.flushSafely(ctx)
		}
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.Warn("outbox relay failed; will retry", "table", r.outbox.table, "err", err, "retry_in", backoff)
			wait, backoff = backoff, min(backoff*2, 5*time.Second)
		case n == r.batch:
			wait = 0
			backoff = 50 * time.Millisecond
		default:
			backoff = 50 * time.Millisecond
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-r.outbox.wake:
		case <-timer.C:
		}
	}
}

// flushSafely is Flush with a panic turned into an error (and retried like
// one): a bug must not stop the relay for good.
func (r *Relay) flushSafely(ctx context.Context) (n int, err error) {
	var flushErr error
	if err := periodic.Safely(ctx, func(ctx context.Context) { n, flushErr = r.Flush(ctx) }); err != nil {
		return 0, err
	}
	return n, flushErr
}

// Flush publishes up to one batch of pending events and returns how many.
func (r *Relay) Flush(ctx context.Context) (int, error) {
	var recs []outboxRecord
	if err := r.db.WithContext(ctx).Table(r.outbox.table).Order("seq").Limit(r.batch).Find(&recs).Error; err != nil {
		return 0, fmt.Errorf("read outbox: %w", err)
	}
	if len(recs) == 0 {
		return 0, nil
	}
	msgs := make([]kafka.Message, len(recs))
	seqs := make([]int64, len(recs))
	spans := make([]trace.Span, len(recs))
	for i, rec := range recs {
		msgs[i] = kafka.Message{
			Topic:   rec.Topic,
			Key:     []byte(rec.Key),
			Value:   rec.Payload,
			Headers: []kafka.Header{{Key: HeaderEventID, Value: []byte(rec.EventID)}},
		}
		spans[i] = startPublishSpan(ctx, rec.Trace, &msgs[i])
		seqs[i] = rec.Seq
	}
	err := r.publisher.WriteMessages(ctx, msgs...)
	for _, span := range spans {
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
	}
	if err != nil {
		return 0, fmt.Errorf("publish %d events: %w", len(msgs), err)
	}
	// Kafka has the events: forget them even if ctx ended meanwhile (a
	// shutdown), or a restarted relay would publish them all again.
	if err := r.db.WithContext(context.WithoutCancel(ctx)).Table(r.outbox.table).Where("seq IN ?", seqs).Delete(&outboxRecord{}).Error; err != nil {
		return 0, fmt.Errorf("delete relayed events: %w", err)
	}
	return len(recs), nil
}
