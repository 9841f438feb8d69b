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

	"golang.org/x/sync/errgroup"

	"github.com/douyin-go/douyin/cmd/gateway/app"
	"github.com/douyin-go/douyin/pkg/admin"
	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/metrics"
	"github.com/douyin-go/douyin/pkg/rpc"
	"github.com/douyin-go/douyin/pkg/telemetry"
)

const serviceName = "douyin.gateway"

func main() {
	configPath := flag.String("config", "", "YAML config file (default $DOUYIN_CONFIG)")
	flag.Parse()
	log := telemetry.NewLogger(os.Stderr, serviceName)
	slog.SetDefault(log)
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
	shutdownTracing, err := telemetry.Setup(ctx, serviceName)
	if err != nil {
		return err
	}
	defer shutdownTracing(context.Background())
	clients, err := gatewayClients(cfg)
	if err != nil {
		return err
	}
	store, err := boot.OpenStorage(ctx, cfg)
	if err != nil {
		return err
	}
	m := metrics.New()
	gw := app.New(cfg, clients, tokens, store, m, log)
	log.Info("serving the API", "listen", cfg.HTTPAddr, "public_url", cfg.PublicBase(), "admin", cfg.AdminAddr)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		return admin.Serve(gctx, cfg.AdminAddr, m, map[string]admin.Check{"object_store": store.Ping})
	})
	g.Go(func() error { return gw.Run(gctx) })
	return g.Wait()
}

// gatewayClients resolves services through etcd when configured, else at
// their static addresses.
func gatewayClients(cfg config.Config) (*rpc.Clients, error) {
	if len(cfg.EtcdEndpoints) == 0 {
		return rpc.NewClients(cfg, nil)
	}
	_, resolver, err := rpc.Discovery(cfg.EtcdEndpoints)
	if err != nil {
		return nil, err
	}
	return rpc.NewClients(cfg, resolver)
}
