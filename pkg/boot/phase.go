package boot

import (
	"context"
	"errors"
	"sync/atomic"
)

// phase is where a component is in its life, for readiness: it is ready
// only while serving.
type phase struct{ v atomic.Value }

var (
	errStarting = errors.New("starting")
	errDraining = errors.New("draining: shutting down")
)

func newPhase() *phase {
	p := &phase{}
	p.set(errStarting)
	return p
}

func (p *phase) set(err error) { p.v.Store(&err) }

func (p *phase) serving()             { p.set(nil) }
func (p *phase) draining()            { p.set(errDraining) }
func (p *phase) waiting(reason error) { p.set(reason) }

func (p *phase) check(context.Context) error { return *p.v.Load().(*error) }

// serveWhen marks the component serving once up returns, and draining when
// ctx ends.
func (d *Deps) serveWhen(ctx context.Context, up func(context.Context) error) error {
	if err := up(ctx); err != nil {
		return nil // ctx ended first
	}
	d.phase.serving()
	<-ctx.Done()
	d.phase.draining()
	return nil
}
