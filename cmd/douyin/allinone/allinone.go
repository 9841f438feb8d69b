// Package allinone runs the whole of douyin in one process: in-process
// Redis-, Kafka- and S3-protocol servers (unless real ones are configured),
// every Kitex service on its loopback address, and the gateway. The
// embedded default and the end-to-end tests both start it from here.
package allinone

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"

	gateway "github.com/douyin-go/douyin/cmd/gateway/app"
	"github.com/douyin-go/douyin/cmd/gateway/auth"
	interaction "github.com/douyin-go/douyin/cmd/interaction/app"
	message "github.com/douyin-go/douyin/cmd/message/app"
	user "github.com/douyin-go/douyin/cmd/user/app"
	video "github.com/douyin-go/douyin/cmd/video/app"
	"github.com/douyin-go/douyin/pkg/boot"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/inprocess"
	"github.com/douyin-go/douyin/pkg/telemetry"
)

// Components are what the process runs, in the order they are built (each
// service migrates its own tables).
func Components() []boot.Component {
	return []boot.Component{user.Component(), video.Component(), interaction.Component(), message.Component(), gateway.Component()}
}

// Run starts everything and serves until ctx ends, each component's spans
// going to its own provider of tracing (nil: the global provider); ready
// (may be nil) is called with the effective config once every server is
// listening.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger, tracing *telemetry.Tracing, ready func(config.Config)) error {
	cfg, stopInfra, err := startInfra(cfg)
	if err != nil {
		return err
	}
	defer stopInfra()
	// The all-in-one process may keep its own token key, so tokens survive
	// a restart; a gateway of its own must be given one.
	secret, err := auth.Secret(cfg.JWT.Secret, cfg.DataDir, true)
	if err != nil {
		return err
	}
	cfg.JWT.Secret = string(secret)

	components := Components()
	deps, err := boot.Open(ctx, cfg, log, boot.NeedsOf(components), tracing)
	if err != nil {
		return err
	}
	defer deps.Close()
	err = boot.Run(ctx, deps, components, func(ctx context.Context) error {
		if err := boot.WaitListening(ctx, cfg.HTTPAddr); err != nil {
			return nil
		}
		log.Info("douyin is serving the API", "url", cfg.PublicBase()+"/douyin/feed/", "listen", cfg.HTTPAddr, "data_dir", cfg.DataDir)
		if ready != nil {
			ready(cfg)
		}
		return nil
	})
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
