package eventbus

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/douyin-go/douyin/pkg/cache"
)

// Applied lets an action wait until the counters its events change have
// been applied, so a client that reads right after an action returns sees
// its effect. Consumers mark each applied event in Redis for a while and
// announce the marks on a channel; a waiting action checks the marks of its
// own events, then wakes on their announcement. It works across instances:
// the consumer that applies an event may run anywhere.
type Applied struct {
	client  *cache.Client
	ttl     time.Duration
	channel string

	mu      sync.Mutex
	waiting map[string][]*waiter // mark key -> actions waiting for it
	sub     *redis.PubSub        // nil until the first Wait
}

// waiter is one action waiting for the marks in remaining.
type waiter struct {
	remaining map[string]bool
	done      chan struct{}
}

// recheckEvery bounds how long a wait relies on announcements alone: an
// announcement lost (Redis reconnecting) is made up for by reading the
// marks again.
const recheckEvery = 100 * time.Millisecond

// NewApplied tracks applied events in client.
func NewApplied(client *cache.Client) *Applied {
	return &Applied{client: client, ttl: 10 * time.Minute, channel: client.Key("applied"), waiting: map[string][]*waiter{}}
}

func (a *Applied) key(group, eventID string) string {
	return a.client.Key("applied", group, eventID)
}

// Mark records that group applied eventIDs and announces it, in one round
// trip. Nil-safe.
func (a *Applied) Mark(ctx context.Context, group string, eventIDs ...string) {
	if a == nil || len(eventIDs) == 0 {
		return
	}
	keys := make([]string, len(eventIDs))
	pipe := a.client.RDB.Pipeline()
	for i, id := range eventIDs {
		keys[i] = a.key(group, id)
		pipe.Set(ctx, keys[i], 1, a.ttl)
	}
	pipe.Publish(ctx, a.channel, strings.Join(keys, "\n"))
	_, _ = pipe.Exec(ctx)
}

// Wait blocks until every group applied every event, or until timeout; it
// reports whether they were all applied. A timeout is not an error: the
// action is committed and counters follow as soon as Kafka delivers. While
// Redis cannot be reached no mark can be seen, so Wait gives up at once
// rather than add the whole timeout to every action.
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
	a.listen(ctx)
	w := a.register(keys)
	defer a.unregister(w, keys)
	if done, err := a.check(ctx, w, keys); done || err != nil {
		return done
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	recheck := time.NewTicker(recheckEvery)
	defer recheck.Stop()
	for {
		select {
		case <-w.done:
			return true
		case <-recheck.C:
			if done, err := a.check(ctx, w, keys); done || err != nil {
				return done
			}
		case <-deadline.C:
			done, _ := a.check(ctx, w, keys)
			return done
		case <-ctx.Done():
			return false
		}
	}
}

// check reads which of keys are marked, notes them on w, and reports
// whether all are, or why they could not be read.
func (a *Applied) check(ctx context.Context, w *waiter, keys []string) (bool, error) {
	pipe := a.client.RDB.Pipeline()
	cmds := make([]*redis.IntCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.Exists(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return false, err
	}
	var marked []string
	for i, cmd := range cmds {
		if cmd.Val() == 1 {
			marked = append(marked, keys[i])
		}
	}
	a.notify(marked)
	select {
	case <-w.done:
		return true, nil
	default:
		return false, nil
	}
}

func (a *Applied) register(keys []string) *waiter {
	w := &waiter{remaining: make(map[string]bool, len(keys)), done: make(chan struct{})}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range keys {
		w.remaining[k] = true
		a.waiting[k] = append(a.waiting[k], w)
	}
	return w
}

func (a *Applied) unregister(w *waiter, keys []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range keys {
		ws := a.waiting[k]
		for i, x := range ws {
			if x == w {
				ws = append(ws[:i], ws[i+1:]...)
				break
			}
		}
		if len(ws) == 0 {
			delete(a.waiting, k)
		} else {
			a.waiting[k] = ws
		}
	}
}

// notify marks keys as applied for every action waiting for them.
func (a *Applied) notify(keys []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range keys {
		for _, w := range a.waiting[k] {
			if w.remaining[k] {
				delete(w.remaining, k)
				if len(w.remaining) == 0 {
					close(w.done)
				}
			}
		}
	}
}

// listen subscribes to the announcements once; the subscription lives as
// long as the Redis client (go-redis resubscribes after reconnecting).
func (a *Applied) listen(ctx context.Context) {
	a.mu.Lock()
	if a.sub != nil {
		a.mu.Unlock()
		return
	}
	a.sub = a.client.RDB.Subscribe(context.WithoutCancel(ctx), a.channel)
	sub := a.sub
	a.mu.Unlock()
	// Wait for the subscription to be confirmed, so announcements made
	// from now on reach it (rechecks cover a failure).
	rctx, cancel := context.WithTimeout(ctx, time.Second)
	_, _ = sub.Receive(rctx)
	cancel()
	go func() {
		for msg := range sub.Channel() {
			a.notify(strings.Split(msg.Payload, "\n"))
		}
	}()
}
