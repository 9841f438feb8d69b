package boot

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/telemetry"
)

// Main is the whole main of a one-component binary: load config, set up
// tracing, open what the component needs, build it and serve it with its
// admin endpoints until SIGINT/SIGTERM.
func Main(c Component) {
	configPath := flag.String("config", "", "YAML config file (default $DOUYIN_CONFIG)")
	flag.Parse()
	log := telemetry.NewLogger(os.Stderr, c.Name)
	slog.SetDefault(log)
	telemetry.FrameworkLogsTo(os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := runOne(ctx, config.FromFlagOrEnv(*configPath), c, log); err != nil {
		log.Error("stopped", "err", err)
		os.Exit(1)
	}
}

func runOne(ctx context.Context, configPath string, c Component, log *slog.Logger) error {
	cfg, err := config.Load(configPath)
	if err != nil {
		return err
	}
	tracing, err := telemetry.Setup(ctx, c.Name)
	if err != nil {
		return err
	}
	defer func() { _ = tracing.Shutdown(context.Background()) }()
	d, err := Open(ctx, cfg, log, c.Needs, tracing)
	if err != nil {
		return err
	}
	defer d.Close()
	log.Info("starting", "admin", cfg.AdminAddr, "etcd", cfg.EtcdEndpoints)
	return Run(ctx, d, []Component{c}, nil)
}
