// Package periodic runs background work on a ticker.
package periodic

import (
	"context"
	"time"
)

// Run calls fn every interval until ctx ends; the first call is one
// interval after the start.
func Run(ctx context.Context, interval time.Duration, fn func(context.Context)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn(ctx)
		}
	}
}
