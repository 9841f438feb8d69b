package testutil

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
)

// RunPipeline starts an in-process Kafka broker with every douyin topic,
// a relay for each outbox and each consumer, all stopped when the test ends.
func RunPipeline(t testing.TB, db *gorm.DB, outboxes []*eventbus.Outbox, consumers ...*eventbus.Consumer) {
	t.Helper()
	brokers := eventbus.Brokers(Kafka(t)...)
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := eventbus.EnsureTopics(ctx, brokers, eventbus.TopicSpec{Partitions: 3}, events.Topics()...); err != nil {
		cancel()
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var wg sync.WaitGroup
	run := func(fn func()) { wg.Add(1); go func() { defer wg.Done(); fn() }() }
	for _, o := range outboxes {
		run(func() { eventbus.RunRelay(ctx, db, o, brokers, quiet) })
	}
	for _, c := range consumers {
		run(func() { eventbus.RunConsumer(ctx, c, brokers) })
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
}
