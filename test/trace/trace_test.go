// Package trace checks that one request yields one OpenTelemetry trace
// across every hop: gateway, Kitex client and server, database, and the
// Kafka consumer that applies the request's event.
package trace

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/douyin-go/douyin/cmd/douyin/allinone/allinonetest"
	"github.com/douyin-go/douyin/pkg/telemetry"
)

func TestOneTracePerRequest(t *testing.T) {
	exporter := tracetest.NewInMemoryExporter()
	tracing := telemetry.NewTracing(exporter, true)
	saved := otel.GetTracerProvider()
	tracing.Install("douyin")
	defer func() { _ = tracing.Shutdown(context.Background()); otel.SetTracerProvider(saved) }()
	base := startSystem(t, tracing)

	token := register(t, base, "tracer")
	t.Run("register: gateway, kitex client and server, database", func(t *testing.T) {
		kitexServer := func(s tracetest.SpanStub) bool {
			return s.SpanKind == trace.SpanKindServer && strings.Contains(s.InstrumentationScope.Name, "kitex")
		}
		// The Kitex server span ends after its reply is written, so it may
		// be exported after the gateway's: wait for it.
		spans := waitTrace(t, exporter, "/douyin/user/register/", func(spans []tracetest.SpanStub) bool { return count(spans, kitexServer) > 0 })
		requireSpan(t, spans, "gateway server span", func(s tracetest.SpanStub) bool {
			return s.SpanKind == trace.SpanKindServer && strings.Contains(s.InstrumentationScope.Name, "hertz")
		})
		requireSpan(t, spans, "kitex client span", func(s tracetest.SpanStub) bool {
			return s.SpanKind == trace.SpanKindClient && strings.Contains(s.InstrumentationScope.Name, "kitex")
		})
		requireSpan(t, spans, "kitex server span", kitexServer)
		requireSpan(t, spans, "database span", func(s tracetest.SpanStub) bool {
			return s.Name == "insert users" && strings.Contains(s.InstrumentationScope.Name, "gorm")
		})
		// Each component reports under its own name, though all share a process.
		requireService(t, spans, "hertz", trace.SpanKindServer, "douyin.gateway")
		requireService(t, spans, "kitex", trace.SpanKindClient, "douyin.gateway")
		requireService(t, spans, "kitex", trace.SpanKindServer, "douyin.user")
		requireService(t, spans, "gorm", trace.SpanKindClient, "douyin.user")
	})

	videoID := publish(t, base, token)
	exporter.Reset()
	like := url.Values{"token": {token}, "video_id": {fmt.Sprint(videoID)}, "action_type": {"1"}}
	mustOK(t, post(t, base+"/douyin/favorite/action/?"+like.Encode()))
	t.Run("like: the consumer's span joins the request's trace", func(t *testing.T) {
		// Spans end after the response is written: wait for both consumers'.
		spans := waitTrace(t, exporter, "/douyin/favorite/action/", func(spans []tracetest.SpanStub) bool {
			return count(spans, func(s tracetest.SpanStub) bool { return s.Name == "consume douyin.favorite" }) >= 2
		})
		requireSpan(t, spans, "relay publish span", func(s tracetest.SpanStub) bool {
			return s.Name == "publish douyin.favorite" && s.SpanKind == trace.SpanKindProducer
		})
		// Both counter groups (video and user) consume the like.
		if n := count(spans, func(s tracetest.SpanStub) bool {
			return s.Name == "consume douyin.favorite" && s.SpanKind == trace.SpanKindConsumer
		}); n != 2 {
			t.Fatalf("want 2 consumer spans in the like's trace, got %d: %v", n, names(spans))
		}
		consumers := map[trace.SpanID]bool{}
		for _, s := range spans {
			if s.Name == "consume douyin.favorite" {
				consumers[s.SpanContext.SpanID()] = true
			}
		}
		// Each consumer reports under the service it runs in.
		groups := map[string]string{}
		for _, s := range spans {
			if s.Name == "consume douyin.favorite" {
				groups[serviceOf(s)] = "consumer"
			}
		}
		if groups["douyin.video"] == "" || groups["douyin.user"] == "" {
			t.Fatalf("consumer spans reported under %v, want douyin.video and douyin.user", groups)
		}
		requireService(t, spans, "eventbus", trace.SpanKindProducer, "douyin.interaction")
		// The counter updates run under the consumer spans.
		for _, table := range []string{"update videos", "update users"} {
			requireSpan(t, spans, table+" under a consumer span", func(s tracetest.SpanStub) bool {
				return s.Name == table && strings.Contains(s.InstrumentationScope.Name, "gorm") && consumers[s.Parent.SpanID()]
			})
		}
	})
}

// waitTrace waits (up to 10 s) until the trace whose gateway span served
// path is exported and complete says so, and returns its spans.
func waitTrace(t *testing.T, exporter *tracetest.InMemoryExporter, path string, complete func([]tracetest.SpanStub) bool) []tracetest.SpanStub {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		spans, found := traceOf(exporter.GetSpans(), path)
		if found && complete(spans) {
			return spans
		}
		if time.Now().After(deadline) {
			if !found {
				t.Fatalf("no gateway span for %s among %v", path, names(exporter.GetSpans()))
			}
			return spans
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// traceOf returns every span of the trace whose gateway span served path.
func traceOf(all []tracetest.SpanStub, path string) ([]tracetest.SpanStub, bool) {
	var id trace.TraceID
	for _, s := range all {
		if s.SpanKind == trace.SpanKindServer && strings.Contains(s.InstrumentationScope.Name, "hertz") && strings.Contains(s.Name, path) {
			id = s.SpanContext.TraceID()
		}
	}
	if !id.IsValid() {
		return nil, false
	}
	var out []tracetest.SpanStub
	for _, s := range all {
		if s.SpanContext.TraceID() == id {
			out = append(out, s)
		}
	}
	return out, true
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

// requireService: every span of kind from instrumentation scope reports
// under service.
func requireService(t *testing.T, spans []tracetest.SpanStub, scope string, kind trace.SpanKind, service string) {
	t.Helper()
	n := 0
	for _, s := range spans {
		if s.SpanKind != kind || !strings.Contains(s.InstrumentationScope.Name, scope) {
			continue
		}
		n++
		if got := serviceOf(s); got != service {
			t.Errorf("%s span %q reported under %q, want %q", scope, s.Name, got, service)
		}
	}
	if n == 0 {
		t.Errorf("no %s %s span in %v", scope, kind, names(spans))
	}
}

func requireSpan(t *testing.T, spans []tracetest.SpanStub, what string, match func(tracetest.SpanStub) bool) {
	t.Helper()
	if count(spans, match) == 0 {
		t.Fatalf("no %s in the trace: %v", what, names(spans))
	}
}

func count(spans []tracetest.SpanStub, match func(tracetest.SpanStub) bool) int {
	n := 0
	for _, s := range spans {
		if match(s) {
			n++
		}
	}
	return n
}

func names(spans []tracetest.SpanStub) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = fmt.Sprintf("%s[%s %s]", s.Name, s.SpanKind, s.InstrumentationScope.Name)
	}
	return out
}

func startSystem(t *testing.T, tracing *telemetry.Tracing) string {
	t.Helper()
	cfg := allinonetest.Config(t, t.TempDir())
	allinonetest.UseTestServers(t, &cfg)
	stop := allinonetest.StartTraced(t, cfg, tracing)
	t.Cleanup(func() { _ = stop() })
	return "http://" + cfg.HTTPAddr
}

type body map[string]any

func post(t *testing.T, u string) body {
	t.Helper()
	res, err := http.Post(u, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, res)
}

func decode(t *testing.T, res *http.Response) body {
	t.Helper()
	defer res.Body.Close()
	var b body
	dec := json.NewDecoder(res.Body)
	dec.UseNumber()
	if err := dec.Decode(&b); err != nil {
		t.Fatal(err)
	}
	return b
}

func mustOK(t *testing.T, b body) body {
	t.Helper()
	if fmt.Sprint(b["status_code"]) != "0" {
		t.Fatalf("want success, got %v", b)
	}
	return b
}

func register(t *testing.T, base, name string) string {
	b := mustOK(t, post(t, base+"/douyin/user/register/?"+url.Values{"username": {name}, "password": {"secret1"}}.Encode()))
	return b["token"].(string)
}

// publish uploads a two-second video made with ffmpeg and returns its id.
func publish(t *testing.T, base, token string) int64 {
	t.Helper()
	path := filepath.Join(t.TempDir(), "v.mp4")
	if out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10",
		"-pix_fmt", "yuv420p", path).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg (apt-get install ffmpeg): %v %s", err, out)
	}
	data, _ := os.ReadFile(path)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("token", token)
	_ = w.WriteField("title", "traced")
	fw, _ := w.CreateFormFile("data", "v.mp4")
	_, _ = fw.Write(data)
	_ = w.Close()
	res, err := http.Post(base+"/douyin/publish/action/", w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, decode(t, res))
	res, err = http.Get(base + "/douyin/feed/")
	if err != nil {
		t.Fatal(err)
	}
	list, _ := decode(t, res)["video_list"].([]any)
	if len(list) == 0 {
		t.Fatal("published video not in the feed")
	}
	id, _ := list[0].(map[string]any)["id"].(json.Number).Int64()
	return id
}

// Without an exporter nothing is instrumented: a request makes no span at
// all (a provider that records is installed, yet nobody uses it), since
// instrumentation would only cost time.
func TestNoSpansWhenNothingExports(t *testing.T) {
	exporter := tracetest.NewInMemoryExporter()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	previous := otel.GetTracerProvider()
	otel.SetTracerProvider(provider)
	t.Cleanup(func() { otel.SetTracerProvider(previous); _ = provider.Shutdown(context.Background()) })
	base := startSystem(t, nil)
	post(t, base+"/douyin/user/register/?username=untraced&password=untraced-pw")
	if spans := exporter.GetSpans(); len(spans) != 0 {
		t.Fatalf("%d spans recorded with tracing off: %v", len(spans), names(spans))
	}
}
