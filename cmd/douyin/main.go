// Command douyin runs the whole backend in one process (the default),
// creates every service's tables with `douyin migrate` (the migration job
// of a deployment whose services have no DDL rights), or repairs counters
// with `douyin reconcile`.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/douyin-go/douyin/cmd/douyin/allinone"
	"github.com/douyin-go/douyin/cmd/douyin/reconcile"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/telemetry"
)

// serve runs the embedded system, exporting traces when OTEL_* says so.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	tracing, err := telemetry.Setup(ctx, "douyin")
	if err != nil {
		return err
	}
	defer func() { _ = tracing.Shutdown(context.Background()) }()
	return allinone.Run(ctx, cfg, log, tracing, nil)
}

// migrate creates and alters every service's tables on cfg's database and
// records their schema versions.
func migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	gdb, err := db.Open(cfg.MySQLDSN, cfg.DataDir)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close(gdb) }()
	if err := boot.Migrate(ctx, gdb, allinone.Components()); err != nil {
		return err
	}
	log.Info("migrated every service's tables")
	return nil
}

func main() {
	configPath := flag.String("config", "", "YAML config file (default $DOUYIN_CONFIG)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: douyin [-config file] [serve | migrate | reconcile [-dry-run]]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	log := telemetry.NewLogger(os.Stderr, "douyin")
	slog.SetDefault(log)
	telemetry.FrameworkLogsTo(os.Stderr)
	cfg, err := config.Load(config.FromFlagOrEnv(*configPath))
	if err != nil {
		log.Error("load config", "err", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	switch cmd := flag.Arg(0); cmd {
	case "", "serve":
		err = serve(ctx, cfg, log)
	case "migrate":
		err = migrate(ctx, cfg, log)
	case "reconcile":
		sub := flag.NewFlagSet("reconcile", flag.ExitOnError)
		dryRun := sub.Bool("dry-run", false, "report drifted counters without fixing them")
		_ = sub.Parse(flag.Args()[1:])
		err = reconcile.Run(ctx, cfg, os.Stdout, *dryRun)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		log.Error("douyin stopped", "err", err)
		os.Exit(1)
	}
}
