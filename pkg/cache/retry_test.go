package cache

import (
	"context"
	"testing"
	"time"

	"github.com/douyin-go/douyin/pkg/inprocess"
)

// A change made while Redis is down is still seen by every instance once
// Redis is back: the bump is retried until it lands, and an instance that
// could not check generations forgets its near copies.
func TestBumpsWaitOutARedisOutage(t *testing.T) {
	srv := startRedis(t)
	c := New(srv.Addr(), "", "t:")
	defer c.Close()
	ctx := context.Background()
	other := NewVersioned[int64, string](c, "things", 10)
	mine := NewVersioned[int64, string](c, "things", 10)
	value := "old"
	source := func(context.Context, []int64) (map[int64]string, error) { return map[int64]string{1: value}, nil }
	if got, _ := other.Load(ctx, 7, []int64{1}, source); got[1] != "old" {
		t.Fatalf("first read %q", got[1])
	}
	srv.Stop()
	value = "new" // the change commits while Redis is down
	if err := mine.Bump(ctx, 7); err == nil {
		t.Fatal("a bump with Redis down reported success")
	}
	if mine.retry.size() != 1 {
		t.Fatalf("%d bumps waiting, want 1", mine.retry.size())
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for mine.retry.size() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got, _ := other.Load(ctx, 7, []int64{1}, source); got[1] != "new" {
		t.Fatalf("after Redis came back another instance read %q, want the change", got[1])
	}
}

// startRedis starts an in-process Redis of this test's own, stopped at
// cleanup (these tests stop and restart it, or need a fresh one).
func startRedis(t *testing.T) *inprocess.Redis {
	t.Helper()
	srv, err := inprocess.StartRedis()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}
