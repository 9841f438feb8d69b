package eventbus

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/coalesce"
)

// txBatcher runs the Transact calls on one database that arrive together
// in one transaction (pkg/coalesce): the calls that arrive while one
// transaction is in flight go together in the next. On SQLite, whose
// writers take turns, this turns N commits into one; elsewhere it saves
// round trips.
type txBatcher struct {
	outbox *Outbox
	db     *gorm.DB
	rounds *coalesce.Rounds[*txOp]
}

type txOp struct {
	ctx context.Context
	fn  func(tx *gorm.DB, emit Emit) error
	ids []string
	err error
}

const (
	// maxGroup bounds the calls sharing one transaction.
	maxGroup = 64
	// groupTimeout bounds a shared transaction, which no single caller's
	// cancellation may cut short.
	groupTimeout = 10 * time.Second
)

func newTxBatcher(o *Outbox, db *gorm.DB) *txBatcher {
	b := &txBatcher{outbox: o, db: db}
	b.rounds = coalesce.New(maxGroup, b.commit)
	return b
}

func (b *txBatcher) run(ctx context.Context, fn func(tx *gorm.DB, emit Emit) error) ([]string, error) {
	op := &txOp{ctx: ctx, fn: fn}
	b.rounds.Do(op)
	return op.ids, op.err
}

// commit runs group in one transaction, or, if that fails, each op in a
// transaction of its own, so one op's failure never becomes another's.
func (b *txBatcher) commit(group []*txOp) {
	if len(group) > 1 && b.together(group) == nil {
		return
	}
	for _, op := range group {
		op.ids, op.err = b.outbox.transactAlone(op.ctx, b.db, op.fn)
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
