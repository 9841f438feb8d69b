package cache

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// retryEvery is how often invalidations that failed are tried again.
const retryEvery = 500 * time.Millisecond

// retrier retries invalidations that Redis refused until it takes them:
// a change committed while Redis was down must still make the copies of
// other instances stale once Redis is back.
type retrier struct {
	apply func(ctx context.Context, ids ...int64) error

	mu      sync.Mutex
	pending map[int64]bool
	running bool
}

func newRetrier(apply func(ctx context.Context, ids ...int64) error) *retrier {
	return &retrier{apply: apply, pending: map[int64]bool{}}
}

// add queues ids and makes sure a retry loop runs.
func (r *retrier) add(ids ...int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range ids {
		r.pending[id] = true
	}
	if !r.running {
		r.running = true
		go r.loop()
	}
}

// loop retries until nothing is pending, then ends.
func (r *retrier) loop() {
	for {
		time.Sleep(retryEvery)
		r.mu.Lock()
		ids := make([]int64, 0, len(r.pending))
		for id := range r.pending {
			ids = append(ids, id)
		}
		r.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), retryEvery)
		err := r.apply(ctx, ids...)
		cancel()
		r.mu.Lock()
		if err == nil || errors.Is(err, redis.ErrClosed) { // closed: shutting down
			for _, id := range ids {
				delete(r.pending, id)
			}
		}
		if len(r.pending) == 0 {
			r.running = false
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
	}
}

// size is how many invalidations wait for Redis.
func (r *retrier) size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending)
}
