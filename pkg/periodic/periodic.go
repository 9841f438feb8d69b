// Package periodic runs background work on a ticker.
package periodic

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"
)

// Run calls fn every interval until ctx ends; the first call is one
// interval after the start. A panic in fn is logged to log and the next
// tick runs as usual: background work must not take the process down.
func Run(ctx context.Context, interval time.Duration, log *slog.Logger, fn func(context.Context)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := Safely(ctx, fn); err != nil {
				log.ErrorContext(ctx, "background work panicked", "err", err)
			}
		}
	}
}

// Safely calls fn, turning a panic into an error that carries its stack.
func Safely(ctx context.Context, fn func(context.Context)) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	fn(ctx)
	return nil
}
