package eventbus

import (
	"context"
	"sync"
	"time"

	"gorm.io/gorm"
)

// txBatcher runs the Transact calls on one database that arrive together
// in one transaction: while one transaction is in flight, the calls that
// arrive wait and go together in the next. On SQLite, whose writers take
// turns, this turns N commits into one; elsewhere it saves round trips.
type txBatcher struct {
	outbox *Outbox
	db     *gorm.DB

	mu      sync.Mutex
	pending []*txOp
	busy    bool
}

type txOp struct {
	ctx  context.Context
	fn   func(tx *gorm.DB, emit Emit) error
	ids  []string
	err  error
	done chan struct{}
}

const (
	// maxGroup bounds the calls sharing one transaction.
	maxGroup = 64
	// groupTimeout bounds a shared transaction, which no single caller's
	// cancellation may cut short.
	groupTimeout = 10 * time.Second
)

func (b *txBatcher) run(ctx context.Context, fn func(tx *gorm.DB, emit Emit) error) ([]string, error) {
	op := &txOp{ctx: ctx, fn: fn, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, op)
	lead := !b.busy
	b.busy = true
	b.mu.Unlock()
	if lead {
		b.rounds()
	}
	<-op.done
	return op.ids, op.err
}

// rounds commits groups until no call waits; the caller that found the
// batcher idle runs the first group (its own call is in it) and hands the
// rest to a goroutine.
func (b *txBatcher) rounds() {
	b.round()
	b.mu.Lock()
	if len(b.pending) == 0 {
		b.busy = false
		b.mu.Unlock()
		return
	}
	b.mu.Unlock()
	go b.rounds()
}

func (b *txBatcher) round() {
	b.mu.Lock()
	n := min(len(b.pending), maxGroup)
	group := b.pending[:n:n]
	b.pending = b.pending[n:]
	b.mu.Unlock()
	if len(group) == 1 {
		group[0].ids, group[0].err = b.outbox.transactAlone(group[0].ctx, b.db, group[0].fn)
		close(group[0].done)
		return
	}
	if err := b.together(group); err != nil {
		for _, op := range group {
			op.ids, op.err = b.outbox.transactAlone(op.ctx, b.db, op.fn)
		}
	}
	for _, op := range group {
		close(op.done)
	}
}

// together runs every op of group in one transaction; each op's statements
// carry its own context (its trace, its deadline).
func (b *txBatcher) together(group []*txOp) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(group[0].ctx), groupTimeout)
	defer cancel()
	events := 0
	err := b.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		events = 0
		for _, op := range group {
			ids, err := b.outbox.runIn(tx.WithContext(op.ctx), op.fn)
			if err != nil {
				return err
			}
			op.ids = ids
			events += len(ids)
		}
		return nil
	})
	if err != nil {
		for _, op := range group {
			op.ids = nil
		}
		return err
	}
	if events > 0 {
		b.outbox.Wake()
	}
	return nil
}
