package eventbus_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// tallied is a toy event: add Delta to the tally of Name.
type tallied struct {
	Name  string
	Delta int64
}

func (tallied) Topic() string { return "test.tally" }
func (e tallied) Key() string { return e.Name }

type tally struct {
	Name  string `gorm:"primaryKey;size:32"`
	Count int64
}

type pipeline struct {
	db       *gorm.DB
	outbox   *eventbus.Outbox
	consumer *eventbus.Consumer
	applied  *eventbus.Applied
}

func newPipeline(t *testing.T) *pipeline {
	t.Helper()
	gdb := testutil.DB(t)
	store := testutil.Cache(t)
	p := &pipeline{db: gdb, outbox: eventbus.NewOutbox("test_outbox"), applied: eventbus.NewApplied(store)}
	p.consumer = eventbus.NewConsumer("test-tally", gdb, p.applied, quietLog(),
		eventbus.On("test.tally", func(ctx context.Context, tx *gorm.DB, ev tallied) error {
			return tx.Exec("UPDATE tallies SET count = count + ? WHERE name = ?", ev.Delta, ev.Name).Error
		}, nil))
	for _, m := range []func(*gorm.DB) error{p.outbox.Migrate, p.consumer.Migrate, func(db *gorm.DB) error { return db.AutoMigrate(&tally{}) }} {
		if err := m(gdb); err != nil {
			t.Fatal(err)
		}
	}
	if err := gdb.Create(&tally{Name: "a"}).Error; err != nil {
		t.Fatal(err)
	}
	return p
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func (p *pipeline) count(t *testing.T) int64 {
	t.Helper()
	var tl tally
	if err := p.db.First(&tl, "name = ?", "a").Error; err != nil {
		t.Fatal(err)
	}
	return tl.Count
}

func (p *pipeline) emit(t *testing.T, n int) []string {
	t.Helper()
	var all []string
	for i := 0; i < n; i++ {
		ids, err := p.outbox.Transact(context.Background(), p.db, func(tx *gorm.DB, emit eventbus.Emit) error {
			return emit(tallied{Name: "a", Delta: 1})
		})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ids...)
	}
	return all
}

// startConsumer runs the consumer against brokers until the test ends.
func (p *pipeline) startConsumer(t *testing.T, brokers []string) {
	ctx, cancel := context.WithCancel(context.Background())
	reader := eventbus.NewReader(eventbus.Brokers(brokers...), p.consumer.Group(), p.consumer.Topics())
	done := make(chan struct{})
	go func() { defer close(done); p.consumer.Run(ctx, reader) }()
	t.Cleanup(func() { cancel(); <-done; _ = reader.Close() })
}

// startRelay runs a relay until the returned stop is called.
func (p *pipeline) startRelay(brokers []string) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	writer := eventbus.NewWriter(eventbus.Brokers(brokers...))
	done := make(chan struct{})
	go func() { defer close(done); eventbus.NewRelay(p.db, p.outbox, writer, quietLog()).Run(ctx) }()
	return func() { cancel(); <-done; _ = writer.Close() }
}

func TestApplyTwiceCountsOnce(t *testing.T) {
	p := newPipeline(t)
	tests := []struct {
		name      string
		id        string
		wantFresh bool
		wantCount int64
	}{
		{"first delivery applies", "ev-1", true, 1},
		{"redelivery changes nothing", "ev-1", false, 1},
		{"another event applies", "ev-2", true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fresh, err := p.consumer.Apply(context.Background(), "test.tally", tt.id, []byte(`{"Name":"a","Delta":1}`))
			if err != nil {
				t.Fatal(err)
			}
			if fresh != tt.wantFresh || p.count(t) != tt.wantCount {
				t.Fatalf("fresh=%v count=%d, want %v %d", fresh, p.count(t), tt.wantFresh, tt.wantCount)
			}
		})
	}
}

func TestPoisonEventIsNotApplied(t *testing.T) {
	p := newPipeline(t)
	_, err := p.consumer.Apply(context.Background(), "test.tally", "bad", []byte(`not json`))
	if err == nil {
		t.Fatal("want a decode error")
	}
	if p.count(t) != 0 {
		t.Fatal("poison event changed the count")
	}
}

func TestFailedApplyRollsBackProcessedMark(t *testing.T) {
	p := newPipeline(t)
	boom := errors.New("boom")
	failing := eventbus.NewConsumer("test-tally", p.db, nil, quietLog(),
		eventbus.On("test.tally", func(ctx context.Context, tx *gorm.DB, ev tallied) error { return boom }, nil))
	if _, err := failing.Apply(context.Background(), "test.tally", "ev-x", []byte(`{"Name":"a","Delta":1}`)); !errors.Is(err, boom) {
		t.Fatalf("want boom, got %v", err)
	}
	// The failed attempt must not have recorded the event as processed.
	fresh, err := p.consumer.Apply(context.Background(), "test.tally", "ev-x", []byte(`{"Name":"a","Delta":1}`))
	if err != nil || !fresh || p.count(t) != 1 {
		t.Fatalf("retry after failure: fresh=%v err=%v count=%d", fresh, err, p.count(t))
	}
}

func TestPipelineEndToEnd(t *testing.T) {
	p := newPipeline(t)
	brokers := testutil.Kafka(t)
	p.startConsumer(t, brokers)
	stop := p.startRelay(brokers)
	defer func() { stop() }()

	ids := p.emit(t, 5)
	if !p.applied.Wait(context.Background(), 20*time.Second, ids, "test-tally") {
		t.Fatalf("events not applied in time; count=%d", p.count(t))
	}
	if got := p.count(t); got != 5 {
		t.Fatalf("count %d, want 5", got)
	}

	// A relay restart loses nothing: events committed while no relay runs
	// wait in the outbox and go out when a relay starts again.
	stop()
	ids = p.emit(t, 3)
	if n, _ := p.outbox.Pending(context.Background(), p.db); n != 3 {
		t.Fatalf("pending %d, want 3", n)
	}
	stop = p.startRelay(brokers)
	if !p.applied.Wait(context.Background(), 20*time.Second, ids, "test-tally") {
		t.Fatalf("events after relay restart not applied; count=%d", p.count(t))
	}
	if got := p.count(t); got != 8 {
		t.Fatalf("count %d, want 8", got)
	}
}

func TestRelayKeepsEventsWhileKafkaIsDown(t *testing.T) {
	p := newPipeline(t)
	relay := eventbus.NewRelay(p.db, p.outbox, failingPublisher{}, quietLog())
	p.emit(t, 2)
	if _, err := relay.Flush(context.Background()); err == nil {
		t.Fatal("want a publish error")
	}
	if n, _ := p.outbox.Pending(context.Background(), p.db); n != 2 {
		t.Fatalf("pending %d after failed publish, want 2", n)
	}
	rec := &recordingPublisher{}
	if n, err := eventbus.NewRelay(p.db, p.outbox, rec, quietLog()).Flush(context.Background()); err != nil || n != 2 {
		t.Fatalf("flush: n=%d err=%v", n, err)
	}
	if len(rec.msgs) != 2 || rec.msgs[0].Topic != "test.tally" || string(rec.msgs[0].Key) != "a" {
		t.Fatalf("published %+v", rec.msgs)
	}
	if n, _ := p.outbox.Pending(context.Background(), p.db); n != 0 {
		t.Fatalf("pending %d after publish, want 0", n)
	}
}

func TestConcurrentEventsAllCount(t *testing.T) {
	p := newPipeline(t)
	brokers := testutil.Kafka(t)
	p.startConsumer(t, brokers)
	stop := p.startRelay(brokers)
	defer stop()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var ids []string
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			got, err := p.outbox.Transact(context.Background(), p.db, func(tx *gorm.DB, emit eventbus.Emit) error {
				return emit(tallied{Name: "a", Delta: 1})
			})
			if err != nil {
				t.Error(fmt.Errorf("emit %s: %w", strconv.Itoa(i), err))
				return
			}
			mu.Lock()
			ids = append(ids, got...)
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if !p.applied.Wait(context.Background(), 20*time.Second, ids, "test-tally") {
		t.Fatalf("not applied; count=%d", p.count(t))
	}
	if got := p.count(t); got != 20 {
		t.Fatalf("count %d, want 20", got)
	}
}

type failingPublisher struct{}

func (failingPublisher) WriteMessages(context.Context, ...kafka.Message) error {
	return errors.New("kafka is down")
}

type recordingPublisher struct{ msgs []kafka.Message }

func (r *recordingPublisher) WriteMessages(_ context.Context, msgs ...kafka.Message) error {
	r.msgs = append(r.msgs, msgs...)
	return nil
}

func TestPruneForgetsOnlyOldEvents(t *testing.T) {
	p := newPipeline(t)
	for _, id := range []string{"old", "new"} {
		if _, err := p.consumer.Apply(context.Background(), "test.tally", id, []byte(`{"Name":"a","Delta":1}`)); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.db.Table("test_tally_processed").Where("event_id = ?", "old").
		Update("applied_at", time.Now().Add(-30*24*time.Hour)).Error; err != nil {
		t.Fatal(err)
	}
	n, err := p.consumer.Prune(context.Background(), time.Now().Add(-eventbus.ProcessedRetention))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d (err %v), want 1", n, err)
	}
	// The recent event is still remembered: redelivering it changes nothing.
	if fresh, err := p.consumer.Apply(context.Background(), "test.tally", "new", []byte(`{"Name":"a","Delta":1}`)); err != nil || fresh {
		t.Fatalf("recent event applied again: fresh=%v err=%v", fresh, err)
	}
	if p.count(t) != 2 {
		t.Fatalf("count %d, want 2", p.count(t))
	}
}

// cancellingPublisher acknowledges the events and then the relay's context
// ends, as when the process shuts down right after Kafka answered.
type cancellingPublisher struct {
	recordingPublisher
	cancel context.CancelFunc
}

func (c *cancellingPublisher) WriteMessages(ctx context.Context, msgs ...kafka.Message) error {
	err := c.recordingPublisher.WriteMessages(ctx, msgs...)
	c.cancel()
	return err
}

// Events Kafka acknowledged leave the outbox even when the relay is being
// stopped at that moment; otherwise every restart would publish them again.
func TestRelayForgetsAcknowledgedEventsDuringShutdown(t *testing.T) {
	p := newPipeline(t)
	p.emit(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pub := &cancellingPublisher{cancel: cancel}
	n, err := eventbus.NewRelay(p.db, p.outbox, pub, quietLog()).Flush(ctx)
	if err != nil || n != 2 || len(pub.msgs) != 2 {
		t.Fatalf("flush: n=%d err=%v published=%d; want 2 events published", n, err, len(pub.msgs))
	}
	if pending, _ := p.outbox.Pending(context.Background(), p.db); pending != 0 {
		t.Fatalf("pending %d after Kafka acknowledged, want 0", pending)
	}
}

// scriptedFetcher hands out msgs, then blocks until ctx ends.
type scriptedFetcher struct {
	msgs    chan kafka.Message
	applied chan struct{}
}

func (f *scriptedFetcher) FetchMessage(ctx context.Context) (kafka.Message, error) {
	select {
	case m := <-f.msgs:
		return m, nil
	case <-ctx.Done():
		return kafka.Message{}, ctx.Err()
	}
}

func (f *scriptedFetcher) CommitMessages(context.Context, ...kafka.Message) error {
	f.applied <- struct{}{}
	return nil
}

// Lag reports the messages still to apply per partition (the consumer
// lag metric); kafka.Reader.Lag is always -1 for a group reader.
func TestConsumerLag(t *testing.T) {
	p := newPipeline(t)
	f := &scriptedFetcher{msgs: make(chan kafka.Message), applied: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.consumer.Run(ctx, f) }()
	defer func() { cancel(); <-done }()
	if got := p.consumer.Lag(); got != 0 {
		t.Fatalf("lag %d before any message, want 0", got)
	}
	steps := []struct {
		partition      int
		offset, hwm    int64
		wantLagAfter   int64
		wantCountAfter int64
	}{
		{0, 0, 5, 4, 1},
		{1, 7, 10, 4 + 2, 2},
		{0, 4, 5, 2, 3},
		{1, 9, 10, 0, 4},
	}
	for i, st := range steps {
		f.msgs <- kafka.Message{Topic: "test.tally", Partition: st.partition, Offset: st.offset, HighWaterMark: st.hwm,
			Value: []byte(`{"Name":"a","Delta":1}`), Headers: []kafka.Header{{Key: eventbus.HeaderEventID, Value: []byte(fmt.Sprint("lag-", i))}}}
		<-f.applied
		// Lag is noted right after the commit; wait for it to settle.
		deadline := time.Now().Add(2 * time.Second)
		for p.consumer.Lag() != st.wantLagAfter && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if got := p.consumer.Lag(); got != st.wantLagAfter || p.count(t) != st.wantCountAfter {
			t.Fatalf("step %d: lag %d count %d, want %d and %d", i, got, p.count(t), st.wantLagAfter, st.wantCountAfter)
		}
	}
}

// fakeReader delivers msgs, then blocks until ctx ends, and records commits.
type fakeReader struct {
	mu        sync.Mutex
	msgs      []kafka.Message
	committed []kafka.Message
}

func (f *fakeReader) FetchMessage(ctx context.Context) (kafka.Message, error) {
	f.mu.Lock()
	if len(f.msgs) > 0 {
		m := f.msgs[0]
		f.msgs = f.msgs[1:]
		f.mu.Unlock()
		return m, nil
	}
	f.mu.Unlock()
	<-ctx.Done()
	return kafka.Message{}, ctx.Err()
}

func (f *fakeReader) CommitMessages(_ context.Context, msgs ...kafka.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.committed = append(f.committed, msgs...)
	return nil
}

func (f *fakeReader) commits() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.committed)
}

func tallyMsg(id, payload string) kafka.Message {
	return kafka.Message{Topic: "test.tally", Value: []byte(payload), Headers: []kafka.Header{{Key: eventbus.HeaderEventID, Value: []byte(id)}}}
}

// A batch of events is applied in one go, each exactly once.
func TestApplyBatch(t *testing.T) {
	p := newPipeline(t)
	ds := []eventbus.Delivery{
		{Topic: "test.tally", EventID: "b-1", Payload: []byte(`{"Name":"a","Delta":1}`)},
		{Topic: "test.tally", EventID: "b-2", Payload: []byte(`{"Name":"a","Delta":2}`)},
		{Topic: "test.tally", EventID: "b-1", Payload: []byte(`{"Name":"a","Delta":1}`)},
		{Topic: "other.topic", EventID: "b-3", Payload: []byte(`{}`)},
	}
	fresh, err := p.consumer.ApplyBatch(context.Background(), ds)
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, true, false, false}; fmt.Sprint(fresh) != fmt.Sprint(want) {
		t.Fatalf("fresh %v, want %v", fresh, want)
	}
	if got := p.count(t); got != 3 {
		t.Fatalf("tally %d, want 3", got)
	}
	if !p.applied.Wait(context.Background(), time.Second, []string{"b-1", "b-2"}, "test-tally") {
		t.Fatal("applied events were not marked")
	}
}

// Events that cannot be applied, or whose handling panics, are set aside
// in the dead-letter table; the events after them are applied and the
// partition moves on.
func TestPoisonAndPanicsAreSetAside(t *testing.T) {
	gdb := testutil.DB(t)
	if err := gdb.AutoMigrate(&tally{}); err != nil {
		t.Fatal(err)
	}
	if err := gdb.Create(&tally{Name: "a"}).Error; err != nil {
		t.Fatal(err)
	}
	c := eventbus.NewConsumer("test-dead", gdb, eventbus.NewApplied(testutil.Cache(t)), quietLog(),
		eventbus.On("test.tally", func(ctx context.Context, tx *gorm.DB, ev tallied) error {
			switch ev.Name {
			case "panic":
				panic("a bug")
			case "fails":
				return errors.New("never works")
			}
			return tx.Exec("UPDATE tallies SET count = count + ? WHERE name = ?", ev.Delta, ev.Name).Error
		}, nil))
	c.Retry.Attempts, c.Retry.Backoff = 3, time.Millisecond
	if err := c.Migrate(gdb); err != nil {
		t.Fatal(err)
	}
	reader := &fakeReader{msgs: []kafka.Message{
		tallyMsg("ok-1", `{"Name":"a","Delta":1}`),
		tallyMsg("bad-json", `not json`),
		tallyMsg("panics", `{"Name":"panic","Delta":1}`),
		tallyMsg("fails", `{"Name":"fails","Delta":1}`),
		tallyMsg("ok-2", `{"Name":"a","Delta":1}`),
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.Run(ctx, reader) }()
	deadline := time.Now().Add(30 * time.Second)
	for reader.commits() < 5 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if reader.commits() != 5 {
		t.Fatalf("%d of 5 offsets committed", reader.commits())
	}
	var n int64
	if err := gdb.Table("test_dead_dead_letters").Count(&n).Error; err != nil || n != 3 {
		t.Fatalf("%d dead letters (err %v), want 3", n, err)
	}
	if c.DeadLetters() != 3 {
		t.Fatalf("DeadLetters() = %d, want 3", c.DeadLetters())
	}
	var tl tally
	if err := gdb.First(&tl, "name = ?", "a").Error; err != nil || tl.Count != 2 {
		t.Fatalf("tally %d (err %v), want both good events applied", tl.Count, err)
	}
}

// An action waiting in one instance wakes when a consumer in another marks
// its events; it gives up at its timeout otherwise.
func TestWaitWakesOnAnotherInstancesMark(t *testing.T) {
	client := testutil.Cache(t)
	waiting, marking := eventbus.NewApplied(client), eventbus.NewApplied(client)
	ctx := context.Background()
	if waiting.Wait(ctx, 50*time.Millisecond, []string{"never"}, "g") {
		t.Fatal("an event nobody applied was reported applied")
	}
	got := make(chan bool, 1)
	go func() { got <- waiting.Wait(ctx, 30*time.Second, []string{"e-1", "e-2"}, "g1", "g2") }()
	time.Sleep(20 * time.Millisecond)
	marking.Mark(ctx, "g1", "e-1", "e-2")
	marking.Mark(ctx, "g2", "e-1")
	select {
	case ok := <-got:
		t.Fatalf("returned %v before every group applied every event", ok)
	case <-time.After(150 * time.Millisecond):
	}
	marking.Mark(ctx, "g2", "e-2")
	if !<-got {
		t.Fatal("Wait reported a timeout")
	}
}

// Concurrent Transact calls share transactions, yet each keeps its own
// outcome: a failing call fails alone, the others commit their changes
// and their events, each exactly once.
func TestGroupCommitKeepsEachCallsOutcome(t *testing.T) {
	p := newPipeline(t)
	const n = 40
	boom := errors.New("this one fails")
	var wg sync.WaitGroup
	results := make([][]string, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = p.outbox.Transact(context.Background(), p.db, func(tx *gorm.DB, emit eventbus.Emit) error {
				if err := tx.Exec("UPDATE tallies SET count = count + 1 WHERE name = ?", "a").Error; err != nil {
					return err
				}
				if err := emit(tallied{Name: "a", Delta: 1}); err != nil {
					return err
				}
				if i%10 == 3 {
					return boom
				}
				return nil
			})
		}()
	}
	wg.Wait()
	ok := 0
	for i := 0; i < n; i++ {
		switch {
		case i%10 == 3:
			if !errors.Is(errs[i], boom) || results[i] != nil {
				t.Fatalf("call %d: %v %v, want its own error and no events", i, results[i], errs[i])
			}
		case errs[i] != nil || len(results[i]) != 1:
			t.Fatalf("call %d: %v %v, want one event", i, results[i], errs[i])
		default:
			ok++
		}
	}
	if got := p.count(t); got != int64(ok) {
		t.Fatalf("tally %d, want %d (only the calls that succeeded)", got, ok)
	}
	if pending, err := p.outbox.Pending(context.Background(), p.db); err != nil || pending != int64(ok) {
		t.Fatalf("outbox holds %d events (err %v), want %d", pending, err, ok)
	}
}

// countingPublisher records what it published.
type countingPublisher struct {
	mu   sync.Mutex
	msgs []kafka.Message
}

func (c *countingPublisher) WriteMessages(_ context.Context, msgs ...kafka.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, msgs...)
	return nil
}

func (c *countingPublisher) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.msgs)
}

// On MySQL one relay per outbox publishes, however many instances run, so
// the outbox's order reaches Kafka unchanged; when it stops another takes
// over.
func TestOneRelayPublishesAtATime(t *testing.T) {
	p := newPipeline(t)
	if p.db.Name() != "mysql" {
		t.Skip("SQLite runs one process: its relay always leads")
	}
	first, second := &countingPublisher{}, &countingPublisher{}
	ctx1, stop1 := context.WithCancel(context.Background())
	done1 := make(chan struct{})
	go func() { defer close(done1); eventbus.NewRelay(p.db, p.outbox, first, quietLog()).Run(ctx1) }()
	deadline := time.Now().Add(10 * time.Second)
	p.emit(t, 1)
	for first.count() < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	ctx2, stop2 := context.WithCancel(context.Background())
	defer stop2()
	go eventbus.NewRelay(p.db, p.outbox, second, quietLog()).Run(ctx2)
	p.emit(t, 5)
	for first.count() < 6 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if first.count() != 6 || second.count() != 0 {
		t.Fatalf("leader published %d, the other %d; want 6 and 0", first.count(), second.count())
	}
	stop1()
	<-done1
	p.emit(t, 3)
	for second.count() < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if second.count() != 3 {
		t.Fatalf("after the leader stopped the other published %d of 3", second.count())
	}
}

// Lock names are global to a MySQL server: deployments (here, two test
// databases) sharing one server each lead and publish their own outbox.
func TestRelaysOfTwoDatabasesBothLead(t *testing.T) {
	a, b := newPipeline(t), newPipeline(t)
	if a.db.Name() != "mysql" {
		t.Skip("SQLite runs one process: its relay always leads")
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	pubA, pubB := &countingPublisher{}, &countingPublisher{}
	go eventbus.NewRelay(a.db, a.outbox, pubA, quietLog()).Run(ctx)
	go eventbus.NewRelay(b.db, b.outbox, pubB, quietLog()).Run(ctx)
	a.emit(t, 2)
	b.emit(t, 3)
	deadline := time.Now().Add(10 * time.Second)
	for (pubA.count() < 2 || pubB.count() < 3) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if pubA.count() != 2 || pubB.count() != 3 {
		t.Fatalf("the relays published %d of 2 and %d of 3", pubA.count(), pubB.count())
	}
}

// With Redis unreachable no mark can ever be seen: Wait gives up at once
// instead of holding the action for its whole timeout.
func TestWaitGivesUpWhileRedisIsDown(t *testing.T) {
	client := cache.New(testutil.FreeAddrs(t, 1)[0], "", "down:") // nothing listens there
	t.Cleanup(func() { _ = client.Close() })
	got := make(chan bool, 1)
	go func() { got <- eventbus.NewApplied(client).Wait(context.Background(), time.Hour, []string{"e-1"}, "g") }()
	select {
	case ok := <-got:
		if ok {
			t.Fatal("Wait reported an event applied with Redis down")
		}
	case <-time.After(time.Minute): // only keeps a broken Wait from hanging the suite
		t.Fatal("Wait kept waiting with Redis down")
	}
}

// A consumer that dies in the middle of a batch (its transaction never
// commits, its offsets are not committed) loses and doubles nothing: the
// instance that takes over its partitions applies every event exactly once.
func TestConsumerDyingMidBatchLosesAndDoublesNothing(t *testing.T) {
	p := newPipeline(t)
	brokers := testutil.Kafka(t)
	const n = 60
	ids := p.emit(t, n)
	stop := p.startRelay(brokers)
	defer stop()

	ctx, die := context.WithCancel(context.Background())
	var applied atomic.Int64
	dying := eventbus.NewConsumer("test-tally", p.db, p.applied, quietLog(),
		eventbus.On("test.tally", func(ctx context.Context, tx *gorm.DB, ev tallied) error {
			if applied.Add(1) == n/2 {
				die() // the process dies here, mid-transaction
				return ctx.Err()
			}
			return tx.Exec("UPDATE tallies SET count = count + ? WHERE name = ?", ev.Delta, ev.Name).Error
		}, nil))
	reader := eventbus.NewReader(eventbus.Brokers(brokers...), dying.Group(), dying.Topics())
	dying.Run(ctx, reader)
	_ = reader.Close()
	if got := p.count(t); got >= n {
		t.Fatalf("count %d after the consumer died: it never died mid-stream", got)
	}

	p.startConsumer(t, brokers)
	if !p.applied.Wait(context.Background(), 30*time.Second, ids, "test-tally") {
		t.Fatalf("events not applied after the takeover; count=%d", p.count(t))
	}
	if got := p.count(t); got != n {
		t.Fatalf("count %d, want %d", got, n)
	}
}
