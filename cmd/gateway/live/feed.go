package live

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/events"
)

// Feed is one replica's reader of every message event: a reader per
// partition of the message topic, starting at the partition's end, in no
// consumer group, so every replica gets every event. Why Kafka and not a
// Redis pub/sub fan-out: the events already reach Kafka through the
// message service's outbox (none is lost once committed), a replica that
// loses Kafka for a while resumes at its own offset instead of missing
// what was published meanwhile, and there is no extra hop. Each replica
// reads the whole topic, which is cheap at chat rates for tens of
// replicas.
type Feed struct {
	brokers []string
	log     *slog.Logger
	ready   atomic.Bool
}

// NewFeed reads the message topic from brokers.
func NewFeed(brokers []string, log *slog.Logger) *Feed {
	return &Feed{brokers: brokers, log: log}
}

// Ready reports whether every partition's start offset is fixed: from then
// on every message committed is delivered.
func (f *Feed) Ready() bool { return f.ready.Load() }

// Run delivers every message event until ctx ends. It finds the
// partitions and their end offsets first, retrying while Kafka is down.
func (f *Feed) Run(ctx context.Context, deliver func(*base.Message)) {
	var starts map[int]int64
	for backoff := 100 * time.Millisecond; ; backoff = min(backoff*2, 5*time.Second) {
		var err error
		if starts, err = f.ends(ctx); err == nil {
			break
		}
		f.log.Warn("live chat cannot read message events yet; retrying", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
	}
	var wg sync.WaitGroup
	for partition, offset := range starts {
		wg.Go(func() { f.read(ctx, partition, offset, deliver) })
	}
	f.ready.Store(true)
	wg.Wait()
}

// ends returns the end offset of every partition of the message topic.
func (f *Feed) ends(ctx context.Context) (map[int]int64, error) {
	client := &kafka.Client{Addr: kafka.TCP(f.brokers...), Timeout: 5 * time.Second}
	meta, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{events.TopicMessage}})
	if err != nil {
		return nil, err
	}
	if len(meta.Topics) != 1 || meta.Topics[0].Error != nil || len(meta.Topics[0].Partitions) == 0 {
		return nil, fmt.Errorf("topic %s is not there yet", events.TopicMessage)
	}
	var reqs []kafka.OffsetRequest
	for _, p := range meta.Topics[0].Partitions {
		reqs = append(reqs, kafka.LastOffsetOf(p.ID))
	}
	res, err := client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{events.TopicMessage: reqs}})
	if err != nil {
		return nil, err
	}
	starts := map[int]int64{}
	for _, po := range res.Topics[events.TopicMessage] {
		if po.Error != nil {
			return nil, po.Error
		}
		starts[po.Partition] = po.LastOffset
	}
	return starts, nil
}

// read delivers one partition's events from offset on.
func (f *Feed) read(ctx context.Context, partition int, offset int64, deliver func(*base.Message)) {
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: f.brokers, Topic: events.TopicMessage, Partition: partition,
		MinBytes: 1, MaxBytes: 1 << 20, MaxWait: time.Second,
		ReadBackoffMin: 5 * time.Millisecond, ReadBackoffMax: 500 * time.Millisecond,
	})
	defer r.Close()
	if err := r.SetOffset(offset); err != nil {
		f.log.Error("live chat cannot start reading a partition", "partition", partition, "err", err)
		return
	}
	for {
		msg, err := r.ReadMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			f.log.Warn("live chat read failed; retrying", "partition", partition, "err", err)
			sleep(ctx, 200*time.Millisecond)
			continue
		}
		var ev events.MessageSent
		if err := json.Unmarshal(msg.Value, &ev); err != nil {
			f.log.Error("skipping a message event that cannot be decoded", "partition", partition, "offset", msg.Offset, "err", err)
			continue
		}
		deliver(&base.Message{Id: ev.ID, FromUserId: ev.FromUserID, ToUserId: ev.ToUserID, Content: ev.Content, CreateTime: ev.CreateTime})
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
