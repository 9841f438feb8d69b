package boot

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

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
	// Build wires the component (migrating its tables) from d.
	Build func(ctx context.Context, d *Deps) (Runner, error)
}

// Runner is a built component, ready to serve until ctx ends.
type Runner interface {
	Run(ctx context.Context) error
}

// Run builds components one after another (each migrates its own tables),
// then serves them all and the admin endpoints until ctx ends or one fails.
// ready, if not nil, runs once every component is serving.
func Run(ctx context.Context, d *Deps, components []Component, ready func(ctx context.Context) error) error {
	runners := make([]Runner, len(components))
	for i, c := range components {
		r, err := c.Build(ctx, d.For(c.Name))
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		runners[i] = r
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, r := range runners {
		g.Go(func() error { return r.Run(gctx) })
	}
	g.Go(func() error { return admin.Serve(gctx, d.Config.AdminAddr, d.Metrics, d.Checks()) })
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
