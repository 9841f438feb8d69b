package telemetry

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
)

// installed returns a Tracing exporting to memory, installed as the
// process's provider, and restores the global provider afterwards.
func installed(t *testing.T) (*Tracing, *tracetest.InMemoryExporter) {
	t.Helper()
	saved := otel.GetTracerProvider()
	exporter := tracetest.NewInMemoryExporter()
	tr := NewTracing(exporter, true)
	tr.Install("process")
	t.Cleanup(func() {
		_ = tr.Shutdown(context.Background())
		otel.SetTracerProvider(saved)
	})
	return tr, exporter
}

func TestLogLinesCarryTheTraceID(t *testing.T) {
	installed(t)
	var out bytes.Buffer
	log := NewLogger(&out, "svc")

	ctx, span := otel.Tracer("test").Start(context.Background(), "op")
	log.InfoContext(ctx, "inside")
	span.End()
	log.InfoContext(context.Background(), "outside")

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := "trace_id=" + span.SpanContext().TraceID().String()
	if len(lines) != 2 || !strings.Contains(lines[0], want) || !strings.Contains(lines[0], "service=svc") {
		t.Fatalf("line in a span: %q, want %s", lines[0], want)
	}
	if strings.Contains(lines[1], "trace_id") {
		t.Fatalf("line outside a span has a trace id: %q", lines[1])
	}
}

func TestSetupWithoutEndpointExportsNothing(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	tr, err := Setup(context.Background(), "svc")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Provider("douyin.user") != otel.GetTracerProvider() {
		t.Error("without an exporter, components must use the global provider")
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// serviceOf is the service.name a span was reported under.
func serviceOf(s tracetest.SpanStub) string {
	for _, kv := range s.Resource.Attributes() {
		if kv.Key == semconv.ServiceNameKey {
			return kv.Value.AsString()
		}
	}
	return ""
}

func TestSpansReportUnderTheirComponent(t *testing.T) {
	tr, exporter := installed(t)
	user, gateway := tr.Provider("douyin.user"), tr.Provider("douyin.gateway")
	global := otel.Tracer("github.com/cloudwego/kitex") // what the Kitex/Hertz suites hold

	// A server span in a context marked by its component.
	ctx, server := global.Start(WithComponent(context.Background(), user), "server")
	// A query under it, through shared instrumentation.
	_, query := otel.Tracer("gorm.io/plugin/opentelemetry").Start(ctx, "select users")
	query.End()
	server.End()
	// A child of a span another component started, with no mark.
	gctx, root := gateway.Tracer("t").Start(context.Background(), "request")
	_, client := global.Start(gctx, "client")
	client.End()
	root.End()
	// No mark and no parent: the process's own name.
	_, orphan := global.Start(context.Background(), "orphan")
	orphan.End()

	want := map[string]string{"server": "douyin.user", "select users": "douyin.user", "request": "douyin.gateway", "client": "douyin.gateway", "orphan": "process"}
	got := map[string]string{}
	for _, s := range exporter.GetSpans() {
		got[s.Name] = serviceOf(s)
	}
	for name, service := range want {
		if got[name] != service {
			t.Errorf("span %q reported under %q, want %q (all: %v)", name, got[name], service, got)
		}
	}
}

func TestQueriesOutsideRequestsAreNotTraced(t *testing.T) {
	tr, exporter := installed(t)
	ctx := WithComponent(context.Background(), tr.Provider("douyin.user"))
	for _, name := range []string{"gorm.io/plugin/opentelemetry", "github.com/redis/go-redis/extra/redisotel"} {
		_, span := otel.Tracer(name).Start(ctx, "poll")
		if span.IsRecording() || span.SpanContext().IsValid() {
			t.Errorf("%s started a root span", name)
		}
		span.End()
	}
	if spans := exporter.GetSpans(); len(spans) != 0 {
		t.Fatalf("exported %d root query spans, want none", len(spans))
	}
}
