package boot

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/admin"
)

// Component is one role a process can run: a Kitex service or the gateway.
// Each is declared once, in its app package, and started from there by its
// own binary and by the all-in-one process alike.
type Component struct {
	// Name is the service name: in the registry, in traces, in logs.
	Name string
	// Needs are the shared connections it uses.
	Needs Needs
	// Migrate creates and alters its tables (nil: it has none). It runs at
	// start when the config allows (auto_migrate), else in `douyin migrate`.
	Migrate func(*gorm.DB) error
	// Build wires the component from d.
	Build func(ctx context.Context, d *Deps) (Runner, error)
}

// Runner is a built component, ready to serve until ctx ends.
type Runner interface {
	Run(ctx context.Context) error
}

// listener is a Runner that can tell when it accepts requests (the
// gateway); Kitex services report that through Deps.Serve.
type listener interface {
	WaitReady(ctx context.Context) error
}

// Run serves the admin endpoints, then builds components one after another
// (each migrating its tables, or waiting for the migration job), then
// serves them all until ctx ends or one fails. ready, if not nil, runs once
// every component is serving.
func Run(ctx context.Context, d *Deps, components []Component, ready func(ctx context.Context) error) error {
	// The admin endpoints outlive the components: probes and scrapes still
	// answer (not ready: draining) while they drain.
	adminCtx, stopAdmin := context.WithCancel(context.WithoutCancel(ctx))
	adminStopped, adminFailed := make(chan struct{}), make(chan error, 1)
	go func() {
		defer close(adminStopped)
		if err := admin.Serve(adminCtx, d.Config.AdminAddr, d.Metrics, d.Ready); err != nil {
			adminFailed <- fmt.Errorf("admin endpoints: %w", err)
		}
	}()
	defer func() { stopAdmin(); <-adminStopped }()
	g, gctx := errgroup.WithContext(ctx)
	runners := make([]Runner, len(components))
	own := make([]*Deps, len(components))
	for i, c := range components {
		own[i] = d.For(c.Name)
		if err := own[i].migrate(gctx, c); err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		r, err := c.Build(gctx, own[i])
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		runners[i] = r
	}
	g.Go(func() error {
		select {
		case err := <-adminFailed:
			return err
		case <-gctx.Done():
			return nil
		}
	})
	for i, r := range runners {
		g.Go(func() error { return r.Run(gctx) })
		if l, ok := r.(listener); ok {
			g.Go(func() error { return own[i].serveWhen(gctx, l.WaitReady) })
		}
	}
	if ready != nil {
		g.Go(func() error { return ready(gctx) })
	}
	return g.Wait()
}

// NeedsOf is what components need together.
func NeedsOf(components []Component) Needs {
	var n Needs
	for _, c := range components {
		n |= c.Needs
	}
	return n
}
