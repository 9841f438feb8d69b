package dal

import (
	"context"
	"errors"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"
)

// retryDeadlock runs fn again when InnoDB picked its transaction as a
// deadlock victim (or timed out on a lock): the transaction was rolled back
// whole, so running it again is safe and, for idempotent changes, exact.
func retryDeadlock(ctx context.Context, fn func() ([]string, error)) ([]string, error) {
	const attempts = 5
	pause := 5 * time.Millisecond
	for i := 1; ; i++ {
		ids, err := fn()
		if err == nil || i == attempts || !isRetryable(err) {
			return ids, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(pause):
		}
		pause *= 2
	}
}

func isRetryable(err error) bool {
	var me *mysqldriver.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205 // deadlock, lock wait timeout
	}
	return false
}
