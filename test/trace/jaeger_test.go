package trace

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"

	"github.com/douyin-go/douyin/pkg/telemetry"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// TestTracesInJaeger sends requests through the embedded system, exporting
// over OTLP to a real Jaeger v2, and finds each request's whole trace
// through Jaeger's query API, every component under its own service name.
func TestTracesInJaeger(t *testing.T) {
	jaeger := testutil.StartJaeger(t)
	ctx := context.Background()
	exporter, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(jaeger.OTLP), otlptracegrpc.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	tracing := telemetry.NewTracing(exporter, false)
	saved := otel.GetTracerProvider()
	tracing.Install("douyin")
	defer func() { _ = tracing.Shutdown(ctx); otel.SetTracerProvider(saved) }()
	base := startSystem(t, tracing)

	token := register(t, base, "jaeger_"+testutil.RandomHex(3))
	videoID := publish(t, base, token)
	mustOK(t, post(t, base+"/douyin/favorite/action/?"+url.Values{"token": {token}, "video_id": {fmt.Sprint(videoID)}, "action_type": {"1"}}.Encode()))

	for _, tc := range []struct {
		route    string
		services []string
	}{
		{"/douyin/user/register/", []string{"douyin.gateway", "douyin.user"}},
		// The user service counts the publication (work_count).
		{"/douyin/publish/action/", []string{"douyin.gateway", "douyin.video", "douyin.user"}},
		// The interaction service records the like; the video and user
		// services' consumers count it.
		{"/douyin/favorite/action/", []string{"douyin.gateway", "douyin.interaction", "douyin.video", "douyin.user"}},
	} {
		t.Run(tc.route, func(t *testing.T) {
			tr := waitJaegerTrace(t, jaeger, tracing, tc.route, tc.services)
			checkWhole(t, tr)
		})
	}
}

// waitJaegerTrace polls Jaeger (up to 30 s) for the gateway's trace of
// route until it holds spans of every service.
func waitJaegerTrace(t *testing.T, jaeger *testutil.Jaeger, tracing *telemetry.Tracing, route string, services []string) testutil.JaegerTrace {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_ = tracing.ForceFlush(context.Background())
		traces, err := jaeger.Traces("douyin.gateway", route)
		if err == nil && len(traces) == 1 {
			got := traces[0].Services()
			missing := 0
			for _, s := range services {
				if !got[s] {
					missing++
				}
			}
			if missing == 0 {
				return traces[0]
			}
		}
		if time.Now().After(deadline) {
			var got []string
			for _, tr := range traces {
				for s := range tr.Services() {
					got = append(got, s)
				}
			}
			sort.Strings(got)
			t.Fatalf("Jaeger has %d traces of %s (err %v) with services %v, want one with %v", len(traces), route, err, got, services)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkWhole: one root, and every other span's parent is in the trace.
func checkWhole(t *testing.T, tr testutil.JaegerTrace) {
	t.Helper()
	ids := map[string]bool{}
	for _, s := range tr.Spans {
		ids[s.SpanID] = true
	}
	roots := 0
	for _, s := range tr.Spans {
		if len(s.References) == 0 {
			roots++
			continue
		}
		for _, ref := range s.References {
			if !ids[ref.SpanID] {
				t.Errorf("span %q (%s) refers to %s, which is not in the trace", s.OperationName, tr.Service(s), ref.SpanID)
			}
		}
	}
	if roots != 1 {
		t.Errorf("trace %s has %d roots, want 1", tr.TraceID, roots)
	}
}
