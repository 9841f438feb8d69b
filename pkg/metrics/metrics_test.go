package metrics

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cloudwego/hertz/pkg/protocol"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
)

func TestKitexServerCountsByOutcome(t *testing.T) {
	m := New()
	ok := m.KitexServer("douyin.user")(func(context.Context, any, any) error { return nil })
	fail := m.KitexServer("douyin.user")(func(context.Context, any, any) error { return errors.New("boom") })
	_ = ok(context.Background(), nil, nil)
	_ = ok(context.Background(), nil, nil)
	_ = fail(context.Background(), nil, nil)
	if n := testutil.CollectAndCount(m.rpc, "douyin_rpc_server_duration_seconds"); n != 2 {
		t.Fatalf("%d series, want one per outcome", n)
	}
	counts := map[string]uint64{}
	for _, outcome := range []string{"ok", "error"} {
		var pb dto.Metric
		if err := m.rpc.WithLabelValues("douyin.user", "unknown", outcome).(prometheus.Histogram).Write(&pb); err != nil {
			t.Fatal(err)
		}
		counts[outcome] = pb.GetHistogram().GetSampleCount()
	}
	if counts["ok"] != 2 || counts["error"] != 1 {
		t.Fatalf("counts by outcome %v, want ok 2 and error 1", counts)
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *Metrics
	called := false
	next := m.KitexServer("x")(func(context.Context, any, any) error { called = true; return nil })
	if err := next(context.Background(), nil, nil); err != nil || !called {
		t.Fatalf("nil metrics must pass calls through: called=%v err=%v", called, err)
	}
	m.Gauge("g", "h", nil, func() float64 { return 1 }) // must not panic
}

func TestAPIStatusReadsTheAnswersCode(t *testing.T) {
	tests := []struct {
		body   string
		stream bool
		want   string
		ok     bool
	}{
		{body: `{"status_code":0,"status_msg":"success"}`, want: "0", ok: true},
		{body: `{"status_code":10005,"status_msg":"unavailable"}`, want: "10005", ok: true},
		{body: `{"status_code":12003}`, want: "12003", ok: true},
		{body: `not json`},
		{body: `{"status_code":0}`, stream: true}, // media: never read
	}
	for _, tt := range tests {
		var res protocol.Response
		if tt.stream {
			res.SetBodyStream(strings.NewReader(tt.body), len(tt.body))
		} else {
			res.SetBodyString(tt.body)
		}
		got, ok := apiStatus(&res)
		if got != tt.want || ok != tt.ok {
			t.Errorf("apiStatus(%q, stream=%v) = %q, %v; want %q, %v", tt.body, tt.stream, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCacheLookupsCountHitsAndMisses(t *testing.T) {
	m := New()
	m.CacheLookups("user", 3, 1)
	m.CacheLookups("user", 0, 2)
	if got := testutil.ToFloat64(m.cache.WithLabelValues("user", "hit")); got != 3 {
		t.Errorf("hits %v, want 3", got)
	}
	if got := testutil.ToFloat64(m.cache.WithLabelValues("user", "miss")); got != 3 {
		t.Errorf("misses %v, want 3", got)
	}
	var nilMetrics *Metrics
	nilMetrics.CacheLookups("user", 1, 1) // must not panic
}
