// Package allinone runs the whole of douyin in one process: in-process Redis
// and Kafka servers (unless real ones are configured), every Kitex service
// on its loopback address, and the gateway. The embedded default and the
// end-to-end tests both start it from here.
package allinone

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"golang.org/x/sync/errgroup"

	gateway "github.com/douyin-go/douyin/cmd/gateway/app"
	"github.com/douyin-go/douyin/pkg/admin"
	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/inprocess"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/metrics"
)

// Run starts everything and serves until ctx ends; ready (may be nil) is
// called with the effective config once every server is listening.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger, ready func(config.Config)) error {
	cfg, stopInfra, err := startInfra(cfg)
	if err != nil {
		return err
	}
	defer stopInfra()

	deps, err := boot.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer deps.Close()
	deps.Metrics = metrics.New()

	// Services are built one after another: each migrates its own tables.
	built := make([]runner, 0, 4)
	specs := services()
	for _, s := range specs {
		r, err := s.build(deps)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		built = append(built, r)
	}
	clients, err := deps.Clients()
	if err != nil {
		return err
	}
	secret, err := auth.Secret(cfg.JWT.Secret, cfg.DataDir, true)
	if err != nil {
		return err
	}
	tokens, err := auth.New(secret, cfg.JWT.TTL, nil)
	if err != nil {
		return err
	}
	store, err := boot.OpenStorage(ctx, cfg)
	if err != nil {
		return err
	}
	gw := gateway.New(cfg, clients, tokens, store, deps.Metrics, log)

	g, gctx := errgroup.WithContext(ctx)
	for i, s := range specs {
		r, ss := built[i], deps.ServerSuite(s.name, s.addr(cfg))
		g.Go(func() error { return r.Run(gctx, ss) })
	}
	checks := deps.Checks()
	checks["object_store"] = store.Ping
	g.Go(func() error { return admin.Serve(gctx, cfg.AdminAddr, deps.Metrics, checks) })
	g.Go(func() error { return gw.Run(gctx) })
	g.Go(func() error {
		if err := gw.WaitReady(gctx); err != nil {
			return nil
		}
		log.Info("douyin is serving the API", "url", cfg.PublicBase()+"/douyin/feed/", "listen", cfg.HTTPAddr, "data_dir", cfg.DataDir)
		if ready != nil {
			ready(cfg)
		}
		return nil
	})
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// startInfra starts the in-process servers cfg does not name real ones for
// and returns cfg pointing at them.
func startInfra(cfg config.Config) (config.Config, func(), error) {
	var stops []func()
	stop := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	if cfg.RedisAddr == "" {
		r, err := inprocess.StartRedis()
		if err != nil {
			return cfg, stop, err
		}
		stops = append(stops, r.Close)
		cfg.RedisAddr = r.Addr()
	}
	if len(cfg.KafkaBrokers) == 0 {
		k, err := inprocess.StartKafka(filepath.Join(cfg.DataDir, "kafka"), events.Topics()...)
		if err != nil {
			stop()
			return cfg, func() {}, err
		}
		stops = append(stops, k.Close)
		cfg.KafkaBrokers = k.Brokers()
	}
	if cfg.Storage.Endpoint == "" {
		s3, err := inprocess.StartS3(filepath.Join(cfg.DataDir, "objects"))
		if err != nil {
			stop()
			return cfg, func() {}, err
		}
		stops = append(stops, s3.Close)
		cfg.Storage.Endpoint = s3.Endpoint()
	}
	return cfg, stop, nil
}
