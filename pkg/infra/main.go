package infra

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// Runner is a built service, ready to serve.
type Runner interface {
	Run(ctx context.Context, suite rpc.ServerSuite) error
}

// ServiceMain is the whole main of a one-service binary: load config, open
// the shared connections, build the service and serve until SIGINT/SIGTERM.
func ServiceMain(name string, addr func(config.Config) string, build func(*Deps) (Runner, error)) {
	configPath := flag.String("config", "", "YAML config file (default $DOUYIN_CONFIG)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("service", name)
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
	deps, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer deps.Close()
	svc, err := build(deps)
	if err != nil {
		return err
	}
	log.Info("serving", "addr", addr(cfg))
	return svc.Run(ctx, rpc.ServerSuite{Name: name, Addr: addr(cfg)})
}
