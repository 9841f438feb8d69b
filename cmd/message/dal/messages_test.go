package dal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/cmd/message/dal"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// T is an arbitrary millisecond timestamp the tests send at.
const T = int64(1_700_000_000_000)

func newStore(t *testing.T) (*dal.Messages, *gorm.DB) {
	t.Helper()
	gdb := testutil.DB(t)
	outbox := eventbus.NewOutbox(dal.OutboxTable)
	testutil.Migrate(t, gdb, dal.Migrate, outbox.Migrate)
	return &dal.Messages{Tables: eventbus.Tables{DB: gdb, Outbox: outbox}}, gdb
}

// sentEvents reads the MessageSent events in the outbox, in outbox order.
func sentEvents(t *testing.T, gdb *gorm.DB) []events.MessageSent {
	t.Helper()
	var rows []struct {
		Topic, Key string
		Payload    []byte
	}
	if err := gdb.Raw("SELECT topic, `key`, payload FROM " + dal.OutboxTable + " ORDER BY seq").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := make([]events.MessageSent, len(rows))
	for i, r := range rows {
		if err := json.Unmarshal(r.Payload, &out[i]); err != nil || r.Topic != events.TopicMessage || r.Key != out[i].Key() {
			t.Fatalf("outbox row %d: topic %q key %q payload %s (%v)", i, r.Topic, r.Key, r.Payload, err)
		}
	}
	return out
}

// countQueries counts SELECTs run on gdb from now on.
func countQueries(t *testing.T, gdb *gorm.DB) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	name := "count:" + t.Name()
	if err := gdb.Callback().Query().After("gorm:query").Register(name, func(*gorm.DB) { n.Add(1) }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gdb.Callback().Query().Remove(name) })
	return &n
}

func send(t *testing.T, s *dal.Messages, from, to int64, content string, now int64) *dal.Message {
	t.Helper()
	m, err := s.Send(context.Background(), from, to, content, now)
	if err != nil {
		t.Fatalf("send %d→%d: %v", from, to, err)
	}
	return m
}

func chat(t *testing.T, s *dal.Messages, a, b, after int64) []dal.Message {
	t.Helper()
	msgs, _, err := s.Chat(context.Background(), a, b, dal.ChatQuery{After: after, Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// TestChatConcurrentSendersInOneMillisecond sends 20 messages at once, both
// directions, all stamped with the same wall-clock millisecond, while a
// reader polls the way the client does. Every message must get its own
// create_time, increasing in commit (= id) order, and the poller must see
// each exactly once.
func TestChatConcurrentSendersInOneMillisecond(t *testing.T) {
	s, gdb := newStore(t)
	ctx := context.Background()
	const a, b, n = 7, 3, 20

	done := make(chan struct{})
	var polled []dal.Message
	var pollErr error
	go func() {
		defer close(done)
		after := int64(0)
		deadline := time.Now().Add(30 * time.Second)
		for len(polled) < n && time.Now().Before(deadline) {
			msgs, _, err := s.Chat(ctx, a, b, dal.ChatQuery{After: after, Limit: 1 << 20})
			if err != nil {
				pollErr = err
				return
			}
			for _, m := range msgs {
				polled = append(polled, m)
				after = m.CreateTime
			}
		}
	}()

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		from, to := int64(a), int64(b)
		if i%2 == 1 {
			from, to = to, from
		}
		wg.Go(func() {
			if _, err := s.Send(ctx, from, to, "hi", T); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent send: %v", err)
	}
	<-done
	if pollErr != nil {
		t.Fatal(pollErr)
	}

	all := chat(t, s, b, a, 0)
	if len(all) != n {
		t.Fatalf("stored %d messages, want %d", len(all), n)
	}
	for i, m := range all {
		// All senders used the same now, so the times are exactly T..T+n-1.
		if m.CreateTime != T+int64(i) {
			t.Fatalf("message %d has create_time %d, want %d", i, m.CreateTime, T+int64(i))
		}
		if i > 0 && m.ID <= all[i-1].ID {
			t.Fatalf("create_time order %v disagrees with commit order", all)
		}
	}
	seen := map[int64]bool{}
	for _, m := range polled {
		if seen[m.ID] {
			t.Fatalf("poller saw message %d twice", m.ID)
		}
		seen[m.ID] = true
	}
	if len(polled) != n {
		t.Fatalf("poller saw %d of %d messages", len(polled), n)
	}
	// One event per message, in the outbox in create_time order: what live
	// sockets get, in the order they get it.
	evs := sentEvents(t, gdb)
	if len(evs) != n {
		t.Fatalf("%d events in the outbox, want %d", len(evs), n)
	}
	for i, ev := range evs {
		m := all[i]
		if ev.ID != m.ID || ev.CreateTime != m.CreateTime || ev.FromUserID != m.FromUserID || ev.ToUserID != m.ToUserID || ev.Content != m.Content {
			t.Fatalf("event %d = %+v, message %+v", i, ev, m)
		}
	}
	// Another conversation has its own clock.
	if m := send(t, s, a, 99, "other", T); m.CreateTime != T {
		t.Fatalf("first message of another conversation at %d, want %d", m.CreateTime, T)
	}
}

func TestChatPaging(t *testing.T) {
	s, gdb := newStore(t)
	const a, b, c = 1, 2, 3
	// Two in one millisecond, a later one, and one whose clock went back.
	sent := []*dal.Message{
		send(t, s, a, b, "first", T),
		send(t, s, b, a, "same ms", T),
		send(t, s, a, b, "later", T+5),
		send(t, s, b, a, "clock went back", T-100),
	}
	wantTimes := []int64{T, T + 1, T + 5, T + 6}
	for i, m := range sent {
		if m.CreateTime != wantTimes[i] {
			t.Fatalf("message %q at %d, want %d", m.Content, m.CreateTime, wantTimes[i])
		}
	}
	send(t, s, a, c, "not in a–b", T+1)

	tests := []struct {
		name       string
		a, b       int64
		after      int64
		want       []string
		wantExists bool
	}{
		{"everything, oldest first", a, b, 0, []string{"first", "same ms", "later", "clock went back"}, true},
		{"from the other side", b, a, 0, []string{"first", "same ms", "later", "clock went back"}, true},
		{"after the first, same-ms one kept", a, b, T, []string{"same ms", "later", "clock went back"}, true},
		{"strictly after", b, a, T + 5, []string{"clock went back"}, true},
		{"nothing new", a, b, T + 6, nil, true},
		{"no conversation", b, c, 0, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, exists, err := s.Chat(context.Background(), tt.a, tt.b, dal.ChatQuery{After: tt.after, Limit: 1 << 20})
			if err != nil {
				t.Fatal(err)
			}
			if exists != tt.wantExists {
				t.Fatalf("exists = %v, want %v", exists, tt.wantExists)
			}
			var got []string
			for _, m := range msgs {
				got = append(got, m.Content)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
			}
		})
	}

	t.Run("paging by the last create_time sees each message once", func(t *testing.T) {
		var got []int64
		after := int64(0)
		for {
			msgs := chat(t, s, a, b, after)
			if len(msgs) == 0 {
				break
			}
			got = append(got, msgs[0].ID) // take one page of one message
			after = msgs[0].CreateTime
		}
		if len(got) != len(sent) {
			t.Fatalf("paged %v, want %d messages", got, len(sent))
		}
		for i, m := range sent {
			if got[i] != m.ID {
				t.Fatalf("paged %v, want ids in send order", got)
			}
		}
	})
	t.Run("a poll with nothing new is one query", func(t *testing.T) {
		n := countQueries(t, gdb)
		chat(t, s, a, b, T+6)
		if n.Load() != 1 {
			t.Fatalf("%d queries", n.Load())
		}
	})
}

func TestLatestMessages(t *testing.T) {
	s, gdb := newStore(t)
	const a, b, c, d, e = 10, 20, 5, 40, 50
	send(t, s, a, b, "a→b", T)
	lastAB := send(t, s, b, a, "b→a", T)
	lastAC := send(t, s, a, c, "a→c", T)
	send(t, s, b, c, "b→c, not a's", T)
	send(t, s, e, d, "e→d, not a's", T)

	n := countQueries(t, gdb)
	peers := []int64{b, c, d}
	for i := range int64(50) {
		peers = append(peers, 1000+i) // strangers cost nothing extra
	}
	got, err := s.Latest(context.Background(), a, peers)
	if err != nil {
		t.Fatal(err)
	}
	if n.Load() != 1 {
		t.Fatalf("Latest ran %d queries, want 1", n.Load())
	}
	if len(got) != 2 || got[b].ID != lastAB.ID || got[c].ID != lastAC.ID {
		t.Fatalf("latest of a: %+v", got)
	}
	if m := got[c]; m.FromUserID != a || m.ToUserID != c || m.Content != "a→c" || m.CreateTime != T {
		t.Fatalf("a–c latest: %+v", m)
	}
	// Seen from b, keyed by the peer a.
	fromB, err := s.Latest(context.Background(), b, []int64{a, d})
	if err != nil {
		t.Fatal(err)
	}
	if len(fromB) != 1 || fromB[a].ID != lastAB.ID {
		t.Fatalf("latest of b: %+v", fromB)
	}
	if none, err := s.Latest(context.Background(), a, nil); err != nil || len(none) != 0 {
		t.Fatalf("no peers: %v %v", none, err)
	}
}

// On MariaDB, whose stock default character set is latin1, messages in any
// script still fit: the tables are utf8mb4 whatever the database default.
func TestMessagesKeepAnyTextOnALatin1Database(t *testing.T) {
	gdb := testutil.DB(t)
	if gdb.Name() != "mysql" {
		t.Skip("character sets are a MySQL/MariaDB matter")
	}
	if err := gdb.Exec("ALTER DATABASE CHARACTER SET latin1 COLLATE latin1_swedish_ci").Error; err != nil {
		t.Fatal(err)
	}
	outbox := eventbus.NewOutbox(dal.OutboxTable)
	testutil.Migrate(t, gdb, dal.Migrate, outbox.Migrate)
	s := &dal.Messages{Tables: eventbus.Tables{DB: gdb, Outbox: outbox}}
	content := "你好 😀"
	if _, err := s.Send(context.Background(), 1, 2, content, T); err != nil {
		t.Fatalf("send a Chinese message: %v", err)
	}
	msgs, _, err := s.Chat(context.Background(), 2, 1, dal.ChatQuery{After: 0, Limit: 1 << 20})
	if err != nil || len(msgs) != 1 || msgs[0].Content != content {
		t.Fatalf("chat = %+v, %v; want one message %q", msgs, err, content)
	}
}

// A chat of any length is read a page at a time: the latest page, then
// pages going back through Before, or pages going forward from After; each
// page oldest first, every message exactly once.
func TestChatPages(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	const n = 25
	var times []int64
	for i := 0; i < n; i++ {
		m, err := s.Send(ctx, 1+int64(i%2), 2-int64(i%2), fmt.Sprint(i), 1_700_000_000_000)
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, m.CreateTime)
	}
	createTimes := func(msgs []dal.Message) (out []int64) {
		for _, m := range msgs {
			out = append(out, m.CreateTime)
		}
		return out
	}
	page := func(q dal.ChatQuery) []int64 {
		msgs, exists, err := s.Chat(ctx, 1, 2, q)
		if err != nil || !exists {
			t.Fatalf("Chat(%+v): exists %v, %v", q, exists, err)
		}
		return createTimes(msgs)
	}
	// Backwards from the latest, 10 at a time.
	var back []int64
	before := int64(0)
	for {
		got := page(dal.ChatQuery{Before: before, Limit: 10, Newest: true})
		back = append(got, back...)
		if len(got) < 10 {
			break
		}
		before = got[0]
	}
	if !reflect.DeepEqual(back, times) {
		t.Fatalf("backwards pages %v, want %v", back, times)
	}
	// Forwards from a poll time, 10 at a time.
	var fwd []int64
	after := times[4]
	for {
		got := page(dal.ChatQuery{After: after, Limit: 10})
		fwd = append(fwd, got...)
		if len(got) < 10 {
			break
		}
		after = got[len(got)-1]
	}
	if !reflect.DeepEqual(fwd, times[5:]) {
		t.Fatalf("forward pages %v, want %v", fwd, times[5:])
	}
}
