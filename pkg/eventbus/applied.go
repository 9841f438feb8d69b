package eventbus

import (
	"context"
	"time"

	"github.com/douyin-go/douyin/pkg/cache"
)

// Applied lets an action wait until the counters its events change have
// been applied, so a client that reads right after an action returns sees
// its effect. Consumers mark each applied event in Redis for a while;
// actions poll for the marks of their own events.
type Applied struct {
	store *cache.Client
	ttl   time.Duration
}

// NewApplied tracks applied events in store.
func NewApplied(store *cache.Client) *Applied {
	return &Applied{store: store, ttl: 10 * time.Minute}
}

func (a *Applied) key(group, eventID string) string {
	return a.store.Key("applied", group, eventID)
}

// Mark records that group applied eventID. Nil-safe.
func (a *Applied) Mark(ctx context.Context, group, eventID string) {
	if a == nil {
		return
	}
	_ = a.store.RDB.Set(ctx, a.key(group, eventID), 1, a.ttl).Err()
}

// Wait blocks until every group applied every event, or until timeout; it
// reports whether they were all applied. A timeout is not an error: the
// action is committed and counters follow as soon as Kafka delivers.
func (a *Applied) Wait(ctx context.Context, timeout time.Duration, eventIDs []string, groups ...string) bool {
	if a == nil || len(eventIDs) == 0 || len(groups) == 0 {
		return true
	}
	keys := make([]string, 0, len(eventIDs)*len(groups))
	for _, g := range groups {
		for _, id := range eventIDs {
			keys = append(keys, a.key(g, id))
		}
	}
	deadline := time.Now().Add(timeout)
	pause := time.Millisecond
	for {
		n, err := a.store.RDB.Exists(ctx, keys...).Result()
		if err == nil && int(n) == len(keys) {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		sleep(ctx, pause)
		pause = min(pause*2, 20*time.Millisecond)
	}
}
