package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
	"go.opentelemetry.io/otel/trace/noop"
)

type componentKey struct{}

// WithComponent marks ctx as work of the component whose provider is tp:
// spans started under it (its RPCs, queries, cache calls, events) report
// under that component's name. The Kitex server suite, the gateway and the
// event relay and consumers mark their contexts.
func WithComponent(ctx context.Context, tp trace.TracerProvider) context.Context {
	if tp == nil {
		return ctx
	}
	return context.WithValue(ctx, componentKey{}, tp)
}

// childOnly are instrumentations whose spans only make sense inside a
// request or event: a query or cache call with no parent (a relay's poll of
// its outbox, a sweeper) would be a trace of its own every second.
var childOnly = map[string]bool{
	"gorm.io/plugin/opentelemetry":              true,
	"github.com/redis/go-redis/extra/redisotel": true,
}

// router is the process-wide tracer provider: each span goes to the
// provider of the component it belongs to.
type router struct {
	embedded.TracerProvider
	fallback trace.TracerProvider
}

func (r *router) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	return &routedTracer{name: name, opts: opts, fallback: r.fallback, childOnly: childOnly[name]}
}

type routedTracer struct {
	embedded.Tracer
	name      string
	opts      []trace.TracerOption
	fallback  trace.TracerProvider
	childOnly bool
}

var none = noop.NewTracerProvider().Tracer("")

func (t *routedTracer) Start(ctx context.Context, spanName string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	parent := trace.SpanFromContext(ctx)
	if t.childOnly && !parent.SpanContext().IsValid() {
		return none.Start(ctx, spanName, opts...)
	}
	tp := t.fallback
	if marked, ok := ctx.Value(componentKey{}).(trace.TracerProvider); ok {
		tp = marked
	} else if parent.IsRecording() {
		tp = parent.TracerProvider()
	}
	return tp.Tracer(t.name, t.opts...).Start(ctx, spanName, opts...)
}
