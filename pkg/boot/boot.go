// Package boot opens what every douyin service process shares: the
// database, Redis and the Kafka topics, from one Config.
package boot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"gorm.io/gorm"

	"github.com/cloudwego/kitex/pkg/discovery"
	"github.com/cloudwego/kitex/pkg/registry"

	"github.com/douyin-go/douyin/pkg/admin"
	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/metrics"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// Deps are the connections a service is built from.
type Deps struct {
	Config config.Config
	DB     *gorm.DB
	Cache  *cache.Client
	Log    *slog.Logger
	// Metrics is the process's registry (nil: none).
	Metrics *metrics.Metrics
	// Registry and Resolver are set when etcd is configured.
	Registry registry.Registry
	Resolver discovery.Resolver
}

// Clients builds clients of the other services, through etcd when configured.
func (d *Deps) Clients() (*rpc.Clients, error) {
	return rpc.NewClients(d.Config, d.Resolver)
}

// ServerSuite is the Kitex server setup of service name at addr.
func (d *Deps) ServerSuite(name, addr string) rpc.ServerSuite {
	return rpc.ServerSuite{Name: name, Addr: addr, Registry: d.Registry, AdvertiseHost: d.Config.AdvertiseHost, Metrics: d.Metrics}
}

// Checks are the readiness checks of the shared connections.
func (d *Deps) Checks() map[string]admin.Check {
	return map[string]admin.Check{
		"database": func(ctx context.Context) error {
			sqlDB, err := d.DB.DB()
			if err != nil {
				return err
			}
			return sqlDB.PingContext(ctx)
		},
		"redis": func(ctx context.Context) error { return d.Cache.RDB.Ping(ctx).Err() },
		"kafka": func(ctx context.Context) error { return eventbus.Ping(ctx, d.Config.KafkaBrokers) },
	}
}

// Open connects to the database and Redis of cfg and makes sure the Kafka
// topics exist. cfg must already name real endpoints (the embedded mode
// starts its in-process servers first and writes their addresses into cfg).
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*Deps, error) {
	if cfg.RedisAddr == "" || len(cfg.KafkaBrokers) == 0 {
		return nil, errors.New("redis address and kafka brokers must be configured")
	}
	gdb, err := db.Open(cfg.MySQLDSN, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	store := cache.New(cfg.RedisAddr, cfg.RedisPassword, cfg.RedisPrefix)
	if err := store.RDB.Ping(ctx).Err(); err != nil {
		_ = db.Close(gdb)
		return nil, fmt.Errorf("connect to redis %s: %w", cfg.RedisAddr, err)
	}
	if err := eventbus.EnsureTopics(ctx, cfg.KafkaBrokers, cfg.KafkaPartitions, events.Topics()...); err != nil {
		_ = db.Close(gdb)
		_ = store.Close()
		return nil, err
	}
	deps := &Deps{Config: cfg, DB: gdb, Cache: store, Log: log}
	if len(cfg.EtcdEndpoints) > 0 {
		if deps.Registry, deps.Resolver, err = rpc.Discovery(cfg.EtcdEndpoints); err != nil {
			deps.Close()
			return nil, err
		}
	}
	return deps, nil
}

// Close releases the connections.
func (d *Deps) Close() {
	_ = d.Cache.Close()
	_ = db.Close(d.DB)
}
