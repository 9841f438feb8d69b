package admin

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/douyin-go/douyin/pkg/metrics"
)

func TestEndpoints(t *testing.T) {
	m := metrics.New()
	m.Gauge("douyin_outbox_backlog", "test gauge", prometheus.Labels{"table": "user_outbox"}, func() float64 { return 7 })
	healthy := func(context.Context) error { return nil }
	down := func(context.Context) error { return errors.New("dial tcp: connection refused") }
	tests := []struct {
		name     string
		required map[string]Check
		watched  map[string]Check
		path     string
		wantCode int
		wantBody string
	}{
		{"liveness ignores dependencies", map[string]Check{"redis": down}, nil, "/healthz", 200, `"ok"`},
		{"ready when every required check passes", map[string]Check{"database": healthy, "registered": healthy}, nil, "/readyz", 200, `"ready"`},
		{"not ready while one is down", map[string]Check{"database": healthy, "registered": down}, nil, "/readyz", 503, `"registered":"dial tcp: connection refused"`},
		{"a watched dependency down only degrades", map[string]Check{"database": healthy}, map[string]Check{"kafka": down}, "/readyz", 200, `"degraded":{"kafka":"dial tcp: connection refused"}`},
		{"metrics expose registered gauges", nil, nil, "/metrics", 200, `douyin_outbox_backlog{table="user_outbox"} 7`},
		{"profiles are served", nil, nil, "/debug/pprof/", 200, "goroutine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReadiness()
			for name, c := range tt.required {
				r.Require(name, c)
			}
			for name, c := range tt.watched {
				r.Watch(name, c)
			}
			srv := httptest.NewServer(Handler(m, r))
			defer srv.Close()
			res, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.wantCode || !strings.Contains(string(body), tt.wantBody) {
				t.Fatalf("GET %s: %d %s, want %d containing %s", tt.path, res.StatusCode, body, tt.wantCode, tt.wantBody)
			}
		})
	}
}

func TestServeOffWithoutAddress(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Serve(ctx, "", nil, nil); err != nil {
		t.Fatalf("Serve with no address: %v", err)
	}
}

// Checks run at once: a probe waits for the slowest, not for their sum.
// Each check here waits until every other has started, which only
// happens when they run concurrently; one after another, each would time
// out instead.
func TestChecksRunAtOnce(t *testing.T) {
	r := NewReadiness()
	names := []string{"database", "kafka", "redis", "object_store"}
	var started sync.WaitGroup
	started.Add(len(names))
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	for i, name := range names {
		check := func(ctx context.Context) error {
			started.Done()
			select {
			case <-all:
				return errors.New(name + " is down")
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if i == 0 {
			r.Require(name, check)
		} else {
			r.Watch(name, check)
		}
	}
	failures, degraded := r.Report(context.Background())
	if len(failures) != 1 || failures["database"] != "database is down" {
		t.Fatalf("failures %v, want the database's own error", failures)
	}
	for _, name := range names[1:] {
		if degraded[name] != name+" is down" {
			t.Fatalf("degraded %v, want each check's own error (not a timeout)", degraded)
		}
	}
}
