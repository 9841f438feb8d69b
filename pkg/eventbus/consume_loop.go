package eventbus

import (
	"context"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// NewReader is the Kafka consumer-group reader every consumer uses:
// commits only when the consumer says (after applying), starting from the
// earliest offset so events published before the group first joined are
// not lost.
func NewReader(k Kafka, group string, topics []string) *kafka.Reader {
	return kafka.NewReader(kafka.ReaderConfig{
		Brokers:           k.Brokers,
		Dialer:            k.dialer(),
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

const (
	// maxBatch bounds the events applied in one transaction.
	maxBatch = 256
	// batchLinger is how long a batch waits for one more event that Kafka
	// already delivered: under load batches fill, idle it costs little.
	batchLinger = 500 * time.Microsecond
)

// Run consumes from reader until ctx ends, a batch of events at a time. A
// batch that fails is retried event by event with backoff, and its offsets
// are committed only once every event is applied or set aside, so a
// database outage delays counters but never loses an event, and one bad
// event never blocks the others.
func (c *Consumer) Run(ctx context.Context, reader Fetcher) {
	for {
		batch, err := fetchBatch(ctx, reader)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			c.log.Warn("kafka fetch failed", "group", c.group, "err", err)
			sleep(ctx, 200*time.Millisecond)
			continue
		}
		c.handle(ctx, batch)
		if ctx.Err() != nil {
			return
		}
		c.noteLag(batch)
		if err := reader.CommitMessages(ctx, batch...); err != nil && ctx.Err() == nil {
			c.log.Warn("kafka commit failed; events may be redelivered", "group", c.group, "err", err)
		}
	}
}

// fetchBatch waits for one message, then takes those already delivered.
func fetchBatch(ctx context.Context, reader Fetcher) ([]kafka.Message, error) {
	first, err := reader.FetchMessage(ctx)
	if err != nil {
		return nil, err
	}
	batch := []kafka.Message{first}
	for len(batch) < maxBatch {
		lctx, cancel := context.WithTimeout(ctx, batchLinger)
		m, err := reader.FetchMessage(lctx)
		cancel()
		if err != nil {
			break
		}
		batch = append(batch, m)
	}
	return batch, nil
}

// handle applies batch in one transaction, or, if that fails, each event
// on its own.
func (c *Consumer) handle(ctx context.Context, batch []kafka.Message) {
	ds := make([]Delivery, len(batch))
	for i := range batch {
		ds[i] = Delivery{Topic: batch[i].Topic, EventID: eventID(batch[i]), Payload: batch[i].Value}
	}
	// Each event's consume span joins the trace of the request that caused
	// it; the batch's statements run under the first.
	applyCtx := ctx
	for i := range batch {
		sctx, span := startConsumeSpan(ctx, c.group, &batch[i])
		defer span.End()
		if i == 0 {
			applyCtx = sctx
		}
	}
	if _, err := c.applySafely(applyCtx, ds); err == nil || ctx.Err() != nil {
		return
	}
	for i := range ds {
		c.applyOne(ctx, &batch[i], ds[i])
	}
}

// applyOne applies one event, retrying with backoff while it fails, until
// it is applied, set aside as poison, or ctx ends.
func (c *Consumer) applyOne(ctx context.Context, msg *kafka.Message, d Delivery) {
	ctx, span := startConsumeSpan(ctx, c.group, msg)
	defer span.End()
	backoff := c.Retry.Backoff
	for attempt := 1; ; attempt++ {
		_, err := c.applySafely(ctx, []Delivery{d})
		switch {
		case err == nil || ctx.Err() != nil:
			return
		case isPoison(err) || attempt >= c.Retry.Attempts && c.dbAnswers(ctx):
			if err := c.setAside(ctx, d, err); err == nil {
				return
			}
		}
		c.log.WarnContext(ctx, "applying event failed; retrying", "group", c.group, "topic", d.Topic, "event", d.EventID, "attempt", attempt, "err", err)
		sleep(ctx, backoff)
		backoff = min(backoff*2, 5*time.Second)
	}
}

// applySafely is ApplyBatch with a panic turned into an error (and logged),
// so a bug in one event's handling cannot stop the consumer.
func (c *Consumer) applySafely(ctx context.Context, ds []Delivery) (fresh []bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errPoison{fmt.Errorf("panic applying event: %v", p)}
			c.log.ErrorContext(ctx, "panic while applying events", "group", c.group, "panic", p)
		}
	}()
	return c.ApplyBatch(ctx, ds)
}

// dbAnswers reports whether the database is reachable: failures while it
// is down are an outage to wait out, not a poison event.
func (c *Consumer) dbAnswers(ctx context.Context) bool {
	sqlDB, err := c.db.DB()
	if err != nil {
		return false
	}
	pctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return sqlDB.PingContext(pctx) == nil
}

// noteLag records how far each partition of batch was behind once applied.
func (c *Consumer) noteLag(batch []kafka.Message) {
	c.lagMu.Lock()
	defer c.lagMu.Unlock()
	for _, msg := range batch {
		c.lags[fmt.Sprintf("%s/%d", msg.Topic, msg.Partition)] = max(msg.HighWaterMark-msg.Offset-1, 0)
	}
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
