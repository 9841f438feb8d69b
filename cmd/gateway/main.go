// Command gateway runs the HTTP gateway on its own (distributed mode). It
// refuses to start without a configured JWT secret.
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/douyin-go/douyin/cmd/gateway/app"
	"github.com/douyin-go/douyin/pkg/auth"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/infra"
	"github.com/douyin-go/douyin/pkg/rpc"
)

func main() {
	configPath := flag.String("config", "", "YAML config file (default $DOUYIN_CONFIG)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("service", "douyin.gateway")
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, config.FromFlagOrEnv(*configPath), log); err != nil {
		log.Error("gateway stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, configPath string, log *slog.Logger) error {
	cfg, err := config.Load(configPath)
	if err != nil {
		return err
	}
	secret, err := auth.Secret(cfg.JWT.Secret, cfg.DataDir, false)
	if err != nil {
		return err
	}
	tokens, err := auth.New(secret, cfg.JWT.TTL, nil)
	if err != nil {
		return err
	}
	clients, err := rpc.NewClients(cfg, nil)
	if err != nil {
		return err
	}
	store, err := infra.OpenStorage(ctx, cfg)
	if err != nil {
		return err
	}
	log.Info("serving the API", "listen", cfg.HTTPAddr, "public_url", cfg.PublicBase())
	return app.New(cfg, clients, tokens, store, log).Run(ctx)
}
