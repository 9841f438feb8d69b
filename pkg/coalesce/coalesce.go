// Package coalesce runs work that arrives together as one: while a round
// is in flight, new items wait and go together in the next round. The
// caller that finds it idle runs the first round itself (no hand-off when
// there is no contention); later rounds run on a goroutine of their own.
// Every item is handled by a round that started after it arrived.
package coalesce

import "sync"

// Rounds hands items to process, at most max of them per round.
type Rounds[T any] struct {
	process func([]T)
	max     int

	mu      sync.Mutex
	pending []entry[T]
	busy    bool
}

type entry[T any] struct {
	item T
	done chan struct{}
}

// New runs process on rounds of at most max items.
func New[T any](max int, process func([]T)) *Rounds[T] {
	return &Rounds[T]{process: process, max: max}
}

// Do returns once a round has processed item.
func (r *Rounds[T]) Do(item T) {
	e := entry[T]{item: item, done: make(chan struct{})}
	r.mu.Lock()
	r.pending = append(r.pending, e)
	lead := !r.busy
	r.busy = true
	r.mu.Unlock()
	if lead {
		r.run()
	}
	<-e.done
}

// run processes rounds until nothing waits.
func (r *Rounds[T]) run() {
	r.round()
	r.mu.Lock()
	if len(r.pending) == 0 {
		r.busy = false
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	go r.run()
}

func (r *Rounds[T]) round() {
	r.mu.Lock()
	n := min(len(r.pending), r.max)
	batch := r.pending[:n:n]
	r.pending = r.pending[n:]
	r.mu.Unlock()
	items := make([]T, len(batch))
	for i, e := range batch {
		items[i] = e.item
	}
	r.process(items)
	for _, e := range batch {
		close(e.done)
	}
}
