// Package allinonetest starts the embedded system for tests and benchmarks
// that drive it over HTTP.
package allinonetest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/douyin-go/douyin/cmd/douyin/allinone"
	gateway "github.com/douyin-go/douyin/cmd/gateway/app"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/telemetry"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// Config is the default config with data under dataDir and the gateway and
// every service on a free loopback port.
func Config(tb testing.TB, dataDir string) config.Config {
	tb.Helper()
	cfg := config.Default()
	cfg.DataDir = dataDir
	addrs := testutil.FreeAddrs(tb, 5)
	cfg.HTTPAddr = addrs[0]
	cfg.Services.User, cfg.Services.Video = addrs[1], addrs[2]
	cfg.Services.Interaction, cfg.Services.Message = addrs[3], addrs[4]
	return cfg
}

// UseTestServers points cfg at a fresh database on the test MariaDB and at
// the test Redis (with a key prefix of its own) when they are configured;
// otherwise cfg keeps SQLite and the in-process Redis.
func UseTestServers(tb testing.TB, cfg *config.Config) {
	tb.Helper()
	cfg.MySQLDSN = testutil.MySQLDSN(tb)
	if addr := os.Getenv("DOUYIN_TEST_REDIS_ADDR"); addr != "" {
		cfg.RedisAddr, cfg.RedisPrefix = addr, testutil.KeyPrefix(tb)
	}
}

// Start runs the system until stop is called, failing tb if it does not
// come up within a minute. stop waits for a clean shutdown and returns
// what went wrong, if anything; calling it again does nothing.
func Start(tb testing.TB, cfg config.Config) (stop func() error) {
	tb.Helper()
	_, stop = start(tb, cfg, nil, discard())
	return stop
}

// StartTraced is Start with each component's spans going to tracing.
func StartTraced(tb testing.TB, cfg config.Config, tracing *telemetry.Tracing) (stop func() error) {
	tb.Helper()
	_, stop = start(tb, cfg, tracing, discard())
	return stop
}

// StartObserved is Start with each component's spans going to tracing and
// its log lines to log.
func StartObserved(tb testing.TB, cfg config.Config, tracing *telemetry.Tracing, log *slog.Logger) (stop func() error) {
	tb.Helper()
	_, stop = start(tb, cfg, tracing, log)
	return stop
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// StartEffective is Start, also returning the config the system runs
// with: the addresses of its in-process servers and its token key filled
// in, as another process of the same deployment would be configured.
func StartEffective(tb testing.TB, cfg config.Config) (effective config.Config, stop func() error) {
	tb.Helper()
	return start(tb, cfg, nil, discard())
}

func start(tb testing.TB, cfg config.Config, tracing *telemetry.Tracing, log *slog.Logger) (effective config.Config, stop func() error) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("starts the whole system: skipped in the -short (unit) tier")
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- allinone.Run(ctx, cfg, log, tracing, func(eff config.Config) { effective = eff; close(ready) })
	}()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		tb.Fatalf("douyin did not start: %v", err)
	case <-time.After(time.Minute):
		cancel()
		tb.Fatal("douyin did not start within a minute")
	}
	// Ready means the gateway listens; a test's first call also needs the
	// services behind it.
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	defer wcancel()
	for _, addr := range []string{effective.Services.User, effective.Services.Video, effective.Services.Interaction, effective.Services.Message} {
		if err := boot.WaitListening(wctx, addr); err != nil {
			cancel()
			tb.Fatalf("douyin service at %s did not start: %v", addr, err)
		}
	}
	stopped := false
	return effective, func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			return errors.New("douyin did not stop within 30s")
		}
	}
}

// StartGateway runs one more gateway of the running system whose effective
// config is eff (see StartEffective), on a free port, as a second replica
// behind a load balancer would run. It returns the gateway's base URL and
// a stop function like Start's.
func StartGateway(tb testing.TB, eff config.Config) (base string, stop func() error) {
	tb.Helper()
	eff.HTTPAddr = testutil.FreeAddrs(tb, 1)[0]
	eff.AdminAddr = ""
	eff.PublicURL = ""
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c := gateway.Component()
	deps, err := boot.Open(ctx, eff, log, c.Needs, nil)
	if err != nil {
		cancel()
		tb.Fatalf("open the second gateway's connections: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- boot.Run(ctx, deps, []boot.Component{c}, nil) }()
	if err := boot.WaitListening(ctx, eff.HTTPAddr); err != nil {
		cancel()
		tb.Fatal(err)
	}
	stopped := false
	return "http://" + eff.HTTPAddr, func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		defer deps.Close()
		select {
		case err := <-done:
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		case <-time.After(30 * time.Second):
			return errors.New("gateway did not stop within 30s")
		}
	}
}
