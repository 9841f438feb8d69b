// Package admin serves a process's operational endpoints on its admin
// port: /healthz (liveness), /readyz (readiness: every required check
// passes; watched dependencies only mark the process degraded), /metrics
// (Prometheus) and /debug/pprof (profiles).
package admin

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net"
	"net/http"
	"net/http/pprof"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/douyin-go/douyin/pkg/metrics"
)

// Check reports whether one dependency is reachable.
type Check func(ctx context.Context) error

// Readiness is what /readyz runs. A required check failing makes the
// process unready; a watched one only reports it degraded, for a
// dependency whose outage the process rides out (and which every replica
// shares, so failing readiness would take all of them out at once).
// Checks may be added while the endpoints serve.
type Readiness struct {
	mu       sync.RWMutex
	required map[string]Check
	watched  map[string]Check
}

// NewReadiness has no checks yet: ready.
func NewReadiness() *Readiness {
	return &Readiness{required: map[string]Check{}, watched: map[string]Check{}}
}

// Require makes readiness depend on c.
func (r *Readiness) Require(name string, c Check) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.required[name] = c
}

// Watch reports c's failures as degradation only.
func (r *Readiness) Watch(name string, c Check) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.watched[name] = c
}

// Report runs every check at once (each bounded to two seconds):
// failures of required ones, then of watched ones, by name. At once,
// because a probe waits for the slowest check, not for their sum: run one
// after another, three unreachable dependencies took six seconds, past
// the Kubernetes probes' three, and a dependency that should only degrade
// the process made it unready.
func (r *Readiness) Report(ctx context.Context) (failures, degraded map[string]string) {
	r.mu.RLock()
	required, watched := maps.Clone(r.required), maps.Clone(r.watched)
	r.mu.RUnlock()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); failures = run(ctx, required) }()
	go func() { defer wg.Done(); degraded = run(ctx, watched) }()
	wg.Wait()
	return failures, degraded
}

// Handler builds the admin routes.
func Handler(m *metrics.Metrics, r *Readiness) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, req *http.Request) {
		failures, degraded := r.Report(req.Context())
		body := map[string]any{"status": "ready"}
		if len(degraded) > 0 {
			body["degraded"] = degraded
		}
		status := http.StatusOK
		if len(failures) > 0 {
			body["status"], body["failures"], status = "unavailable", failures, http.StatusServiceUnavailable
		}
		writeJSON(w, status, body)
	})
	if m != nil {
		mux.Handle("/metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	}
	// Profiles, on the admin port only (never on the public API port).
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// run runs every check at once (each bounded to two seconds) and returns
// the failures by name.
func run(ctx context.Context, checks map[string]Check) map[string]string {
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		failures = map[string]string{}
	)
	for name, check := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, checkTimeout)
			defer cancel()
			if err := check(cctx); err != nil {
				mu.Lock()
				failures[name] = err.Error()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return failures
}

// checkTimeout bounds one readiness check.
const checkTimeout = 2 * time.Second

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// Serve serves the admin endpoints on addr until ctx ends; an empty addr
// turns them off.
func Serve(ctx context.Context, addr string, m *metrics.Metrics, r *Readiness) error {
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: Handler(m, r), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
