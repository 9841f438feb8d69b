package metrics

import (
	"context"
	"errors"
	"testing"

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
