package dal_test

import (
	"context"
	"testing"

	"github.com/douyin-go/douyin/cmd/message/dal"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// Two message-service instances answer polls of one chat from their
// cached heads: a poll with nothing new reads no database, and a message
// sent through either shows at once in the other's next poll.
func TestCachedMessagesSeeEverySend(t *testing.T) {
	store, gdb := newStore(t)
	redis := testutil.Cache(t)
	one, other := dal.NewCachedMessages(store, redis), dal.NewCachedMessages(store, redis)
	ctx := context.Background()
	poll := func(c *dal.CachedMessages, a, b, after int64) ([]dal.Message, bool) {
		t.Helper()
		msgs, exists, err := c.Chat(ctx, a, b, dal.ChatQuery{After: after, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return msgs, exists
	}
	if msgs, exists := poll(one, 1, 2, 0); exists || len(msgs) != 0 {
		t.Fatalf("before any message: exists %v, %d messages", exists, len(msgs))
	}
	first, err := other.Send(ctx, 1, 2, "hello", T)
	if err != nil {
		t.Fatal(err)
	}
	if msgs, exists := poll(one, 2, 1, 0); !exists || len(msgs) != 1 || msgs[0].ID != first.ID {
		t.Fatalf("after the first message: exists %v, %+v", exists, msgs)
	}
	queries := countQueries(t, gdb)
	for range 3 {
		if msgs, _ := poll(one, 1, 2, first.CreateTime); len(msgs) != 0 {
			t.Fatalf("nothing new, got %+v", msgs)
		}
	}
	if n := queries.Load(); n != 0 {
		t.Fatalf("polls with nothing new read the database %d times", n)
	}
	// Another conversation of the same lower user is read again after a
	// send (their heads share a generation), and still right.
	if _, err := one.Send(ctx, 1, 3, "to someone else", T); err != nil {
		t.Fatal(err)
	}
	if msgs, _ := poll(one, 1, 2, first.CreateTime); len(msgs) != 0 {
		t.Fatalf("after a send elsewhere: %+v", msgs)
	}
	second, err := other.Send(ctx, 2, 1, "hi back", T+1)
	if err != nil {
		t.Fatal(err)
	}
	if msgs, _ := poll(one, 1, 2, first.CreateTime); len(msgs) != 1 || msgs[0].ID != second.ID {
		t.Fatalf("after a reply through the other instance: %+v", msgs)
	}
}
