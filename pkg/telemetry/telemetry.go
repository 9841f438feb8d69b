// Package telemetry sets up OpenTelemetry for a douyin process: a tracer
// provider exporting over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, W3C trace-context
// propagation everywhere, and log lines that carry the trace id.
package telemetry

import (
	"context"
	"os"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
)

// Setup installs the process-wide tracer provider for serviceName and
// returns a function that flushes and stops it. Without an OTLP endpoint
// in the environment, spans are not exported (propagation still works).
func Setup(ctx context.Context, serviceName string) (func(context.Context) error, error) {
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return func(context.Context) error { return nil }, nil
	}
	exporter, err := newExporter(ctx)
	if err != nil {
		return nil, err
	}
	return Install(serviceName, sdktrace.WithBatcher(exporter)), nil
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

// Install sets a tracer provider for serviceName with the given span
// processor options (tests pass an in-memory exporter) and returns its
// shutdown.
func Install(serviceName string, opts ...sdktrace.TracerProviderOption) func(context.Context) error {
	res := resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName(serviceName))
	tp := sdktrace.NewTracerProvider(append([]sdktrace.TracerProviderOption{sdktrace.WithResource(res)}, opts...)...)
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	return tp.Shutdown
}
