package boot

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sync/errgroup"

	"github.com/douyin-go/douyin/pkg/admin"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/metrics"
	"github.com/douyin-go/douyin/pkg/rpc"
	"github.com/douyin-go/douyin/pkg/telemetry"
)

// Runner is a built service, ready to serve.
type Runner interface {
	Run(ctx context.Context, suite rpc.ServerSuite) error
}

// ServiceMain is the whole main of a one-service binary: load config, set
// up tracing, open the shared connections, build the service, serve it
// and its admin endpoints until SIGINT/SIGTERM, then deregister and stop.
func ServiceMain(name string, addr func(config.Config) string, build func(*Deps) (Runner, error)) {
	configPath := flag.String("config", "", "YAML config file (default $DOUYIN_CONFIG)")
	flag.Parse()
	log := telemetry.NewLogger(os.Stderr, name)
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := runService(ctx, *configPath, name, addr, build, log); err != nil {
		log.Error("service stopped", "err", err)
		os.Exit(1)
	}
}

func runService(ctx context.Context, configPath, name string, addr func(config.Config) string, build func(*Deps) (Runner, error), log *slog.Logger) error {
	cfg, err := config.Load(config.FromFlagOrEnv(configPath))
	if err != nil {
		return err
	}
	shutdownTracing, err := telemetry.Setup(ctx, name)
	if err != nil {
		return err
	}
	defer shutdownTracing(context.Background())
	deps, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer deps.Close()
	deps.Metrics = metrics.New()
	svc, err := build(deps)
	if err != nil {
		return err
	}
	log.Info("serving", "addr", addr(cfg), "admin", cfg.AdminAddr, "etcd", cfg.EtcdEndpoints)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return admin.Serve(gctx, cfg.AdminAddr, deps.Metrics, deps.Checks()) })
	g.Go(func() error { return svc.Run(gctx, deps.ServerSuite(name, addr(cfg))) })
	return g.Wait()
}
