// Package boot opens what a douyin process shares (database, Redis, Kafka
// topics, object store, service discovery) and runs its components: the
// four Kitex services and the HTTP gateway. A one-service binary and the
// all-in-one process start components the same way; only which components
// and which addresses differ.
package boot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/cloudwego/kitex/pkg/discovery"
	"github.com/cloudwego/kitex/pkg/registry"
	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/admin"
	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/metrics"
	"github.com/douyin-go/douyin/pkg/rpc"
	"github.com/douyin-go/douyin/pkg/storage"
)

// Needs says which shared connections a component uses.
type Needs uint8

// The shared connections.
const (
	NeedDatabase Needs = 1 << iota
	NeedCache
	NeedKafka
	NeedObjects
)

// Deps are the shared connections, as one component sees them: Name is the
// component's service name, which its logs, RPC clients and server carry.
type Deps struct {
	Config  config.Config
	Name    string
	Log     *slog.Logger
	Metrics *metrics.Metrics
	DB      *gorm.DB
	Cache   *cache.Client
	Objects *storage.S3
	// Registry and Resolver are set when etcd is configured.
	Registry registry.Registry
	Resolver discovery.Resolver
}

// Open connects to what needs asks for. cfg must name real endpoints (the
// all-in-one process starts its in-process servers first and writes their
// addresses into cfg).
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, needs Needs) (d *Deps, err error) {
	d = &Deps{Config: cfg, Log: log, Metrics: metrics.New()}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	if needs&NeedDatabase != 0 {
		if d.DB, err = db.Open(cfg.MySQLDSN, cfg.DataDir); err != nil {
			return nil, err
		}
	}
	if needs&NeedCache != 0 {
		if cfg.RedisAddr == "" {
			return nil, errors.New("no redis configured: set DOUYIN_REDIS_ADDR")
		}
		d.Cache = cache.New(cfg.RedisAddr, cfg.RedisPassword, cfg.RedisPrefix)
		d.Cache.Observe = d.Metrics.CacheLookups
		if err := d.Cache.RDB.Ping(ctx).Err(); err != nil {
			return nil, fmt.Errorf("connect to redis %s: %w", cfg.RedisAddr, err)
		}
	}
	if needs&NeedKafka != 0 {
		if err := eventbus.EnsureTopics(ctx, cfg.KafkaBrokers, cfg.KafkaPartitions, events.Topics()...); err != nil {
			return nil, err
		}
	}
	if needs&NeedObjects != 0 {
		if d.Objects, err = openObjects(ctx, cfg); err != nil {
			return nil, err
		}
	}
	if len(cfg.EtcdEndpoints) > 0 {
		if d.Registry, d.Resolver, err = rpc.Discovery(cfg.EtcdEndpoints); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func openObjects(ctx context.Context, cfg config.Config) (*storage.S3, error) {
	if cfg.Storage.Endpoint == "" {
		return nil, errors.New("no object store configured: set DOUYIN_S3_ENDPOINT")
	}
	return storage.New(ctx, storage.Config{
		Endpoint:  cfg.Storage.Endpoint,
		AccessKey: cfg.Storage.AccessKey,
		SecretKey: cfg.Storage.SecretKey,
		Bucket:    cfg.Storage.Bucket,
		UseSSL:    cfg.Storage.UseSSL,
	})
}

// For is d as the component name sees it.
func (d *Deps) For(name string) *Deps {
	own := *d
	own.Name = name
	own.Log = d.Log.With("component", name)
	return &own
}

// Clients builds this component's clients of the other services, through
// etcd when configured.
func (d *Deps) Clients() (*rpc.Clients, error) {
	return rpc.NewClients(d.Config, d.Name, d.Resolver, d.Log)
}

// ServerSuite is the Kitex server setup of this component listening on addr.
func (d *Deps) ServerSuite(addr string) rpc.ServerSuite {
	return rpc.ServerSuite{Name: d.Name, Addr: addr, Registry: d.Registry, AdvertiseHost: d.Config.AdvertiseHost, Metrics: d.Metrics}
}

// Checks are the readiness checks of the connections that are open.
func (d *Deps) Checks() map[string]admin.Check {
	checks := map[string]admin.Check{}
	if d.DB != nil {
		checks["database"] = func(ctx context.Context) error {
			sqlDB, err := d.DB.DB()
			if err != nil {
				return err
			}
			return sqlDB.PingContext(ctx)
		}
	}
	if d.Cache != nil {
		checks["redis"] = func(ctx context.Context) error { return d.Cache.RDB.Ping(ctx).Err() }
	}
	if d.Objects != nil {
		checks["object_store"] = d.Objects.Ping
	}
	if d.DB != nil && len(d.Config.KafkaBrokers) > 0 {
		checks["kafka"] = func(ctx context.Context) error { return eventbus.Ping(ctx, d.Config.KafkaBrokers) }
	}
	return checks
}

// Close releases the connections.
func (d *Deps) Close() {
	if d.Cache != nil {
		_ = d.Cache.Close()
	}
	if d.DB != nil {
		_ = db.Close(d.DB)
	}
}
