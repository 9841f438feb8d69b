package cache

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// reader reads keys for many concurrent callers with as few MGETs as it
// can: while one MGET is in flight, the reads that arrive wait and go
// together in the next. A caller is only ever answered by an MGET sent
// after it asked, so it sees every change that completed before it did:
// what the generations of the caches rely on.
type reader struct {
	rdb redis.UniversalClient

	mu      sync.Mutex
	pending []*read
	busy    bool
}

type read struct {
	ctx  context.Context
	keys []string
	vals []any
	err  error
	done chan struct{}
}

// readTimeout bounds one MGET, which serves several callers.
const readTimeout = 2 * time.Second

// mget reads keys; values of missing keys are nil.
func (r *reader) mget(ctx context.Context, keys ...string) ([]any, error) {
	rd := &read{ctx: ctx, keys: keys, done: make(chan struct{})}
	r.mu.Lock()
	r.pending = append(r.pending, rd)
	lead := !r.busy
	r.busy = true
	r.mu.Unlock()
	if lead {
		r.rounds()
	}
	select {
	case <-rd.done:
		return rd.vals, rd.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// rounds sends MGETs until no read waits. The caller that found the reader
// idle runs the first round itself (its own read is in it); later rounds,
// for reads that arrived meanwhile, run on a goroutine of their own.
func (r *reader) rounds() {
	r.round()
	r.mu.Lock()
	if len(r.pending) == 0 {
		r.busy = false
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	go r.rounds()
}

// round answers every read waiting now with one MGET of their keys.
func (r *reader) round() {
	r.mu.Lock()
	batch := r.pending
	r.pending = nil
	r.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	index := make(map[string]int)
	var keys []string
	for _, rd := range batch {
		for _, k := range rd.keys {
			if _, ok := index[k]; !ok {
				index[k] = len(keys)
				keys = append(keys, k)
			}
		}
	}
	// The first caller's context carries the trace; no caller's
	// cancellation may fail the others.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(batch[0].ctx), readTimeout)
	vals, err := r.rdb.MGet(ctx, keys...).Result()
	cancel()
	for _, rd := range batch {
		if err == nil {
			rd.vals = make([]any, len(rd.keys))
			for i, k := range rd.keys {
				rd.vals[i] = vals[index[k]]
			}
		}
		rd.err = err
		close(rd.done)
	}
}
