// Package telemetry sets up OpenTelemetry for a douyin process: spans
// exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, W3C trace-context propagation
// everywhere, log lines that carry the trace id, and one tracer provider
// per component, so that every component reports under its own service
// name even when several share one process (the embedded default).
package telemetry

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

// Tracing is a process's trace pipeline: one exporter, shared by one tracer
// provider per component. A nil *Tracing, or one without an exporter,
// hands out the global provider (spans then only propagate context).
type Tracing struct {
	exporter sdktrace.SpanExporter
	sync     bool // export each span as it ends (tests), not in batches

	mu        sync.Mutex
	providers map[string]*sdktrace.TracerProvider
}

// NewTracing exports every component's spans through exporter, each
// span redacted first (see Redact); sync exports each span as it ends
// instead of batching.
func NewTracing(exporter sdktrace.SpanExporter, sync bool) *Tracing {
	if exporter != nil {
		exporter = redactingExporter{exporter}
	}
	return &Tracing{exporter: exporter, sync: sync, providers: map[string]*sdktrace.TracerProvider{}}
}

// Setup builds the process's tracing from the standard OTEL_* variables
// and installs it (Install) with processName for spans of no component.
// Without an OTLP endpoint nothing is exported (propagation still works).
func Setup(ctx context.Context, processName string) (*Tracing, error) {
	otel.SetTextMapPropagator(propagator())
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return NewTracing(nil, false), nil
	}
	exporter, err := newExporter(ctx)
	if err != nil {
		return nil, err
	}
	t := NewTracing(exporter, false)
	t.Install(processName)
	return t, nil
}

// newExporter follows OTEL_EXPORTER_OTLP_PROTOCOL: grpc (the default) or
// http/protobuf. Endpoint, headers and TLS come from the standard OTEL_*
// variables, read by the exporter itself.
func newExporter(ctx context.Context) (sdktrace.SpanExporter, error) {
	protocol := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if protocol == "" {
		protocol = os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	if strings.HasPrefix(protocol, "http") {
		return otlptracehttp.New(ctx)
	}
	return otlptracegrpc.New(ctx)
}

func propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}

// Install makes t the process-wide tracer provider. Instrumentation that
// only takes the global provider (Kitex's and Hertz's OpenTelemetry
// suites) and the instrumentation of connections that components share
// (gorm, Redis) then report each span under the component it belongs to:
// the one WithComponent put in its context, else the one that started its
// parent span, else processName.
func (t *Tracing) Install(processName string) {
	otel.SetTextMapPropagator(propagator())
	if t == nil || t.exporter == nil {
		return
	}
	otel.SetTracerProvider(&router{fallback: t.Provider(processName)})
}

// Exporting reports whether spans leave the process; when not, components
// need no provider of their own.
func (t *Tracing) Exporting() bool { return t != nil && t.exporter != nil }

// Provider is component's tracer provider: its spans carry service.name
// component.
func (t *Tracing) Provider(component string) trace.TracerProvider {
	if t == nil || t.exporter == nil {
		return otel.GetTracerProvider()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if tp, ok := t.providers[component]; ok {
		return tp
	}
	res := resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName(component))
	exporter := keepOpen{t.exporter}
	process := sdktrace.WithBatcher(exporter)
	if t.sync {
		process = sdktrace.WithSyncer(exporter)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(res), process)
	t.providers[component] = tp
	return tp
}

// ForceFlush exports every span ended so far.
func (t *Tracing) ForceFlush(ctx context.Context) error {
	var errs []error
	for _, tp := range t.all() {
		errs = append(errs, tp.ForceFlush(ctx))
	}
	return errors.Join(errs...)
}

// Shutdown flushes and stops every provider, then the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil || t.exporter == nil {
		return nil
	}
	var errs []error
	for _, tp := range t.all() {
		errs = append(errs, tp.Shutdown(ctx))
	}
	errs = append(errs, t.exporter.Shutdown(ctx))
	return errors.Join(errs...)
}

func (t *Tracing) all() []*sdktrace.TracerProvider {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]*sdktrace.TracerProvider, 0, len(t.providers))
	for _, tp := range t.providers {
		out = append(out, tp)
	}
	return out
}

// keepOpen shares one exporter between providers: each provider's shutdown
// must not close it for the others (Tracing.Shutdown does, last).
type keepOpen struct{ sdktrace.SpanExporter }

func (keepOpen) Shutdown(context.Context) error { return nil }
