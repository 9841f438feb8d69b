// Package admin serves a process's operational endpoints on its admin
// port: /healthz (liveness), /readyz (readiness: every dependency answers),
// /metrics (Prometheus) and /debug/pprof (profiles).
package admin

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/pprof"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/douyin-go/douyin/pkg/metrics"
)

// Check reports whether one dependency is reachable.
type Check func(ctx context.Context) error

// Handler builds the admin routes.
func Handler(m *metrics.Metrics, checks map[string]Check) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		failures := Ready(r.Context(), checks)
		if len(failures) > 0 {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "failures": failures})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "ready"})
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

// Ready runs every check (each bounded to two seconds) and returns the
// failures by name.
func Ready(ctx context.Context, checks map[string]Check) map[string]string {
	names := make([]string, 0, len(checks))
	for name := range checks {
		names = append(names, name)
	}
	sort.Strings(names)
	failures := map[string]string{}
	for _, name := range names {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		if err := checks[name](cctx); err != nil {
			failures[name] = err.Error()
		}
		cancel()
	}
	return failures
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// Serve serves the admin endpoints on addr until ctx ends; an empty addr
// turns them off.
func Serve(ctx context.Context, addr string, m *metrics.Metrics, checks map[string]Check) error {
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: Handler(m, checks), ReadHeaderTimeout: 5 * time.Second}
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
