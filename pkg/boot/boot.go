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
	"sync/atomic"
	"time"

	"github.com/cloudwego/kitex/pkg/discovery"
	"go.opentelemetry.io/otel/trace"
	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/admin"
	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/metrics"
	"github.com/douyin-go/douyin/pkg/moderation"
	"github.com/douyin-go/douyin/pkg/rpc"
	"github.com/douyin-go/douyin/pkg/storage"
	"github.com/douyin-go/douyin/pkg/telemetry"
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
// component's service name, which its logs, RPC clients, server and spans
// carry.
type Deps struct {
	Config  config.Config
	Name    string
	Log     *slog.Logger
	Metrics *metrics.Metrics
	DB      *gorm.DB
	Cache   *cache.Client
	Objects *storage.S3
	// Kafka is how the relay, consumers and topic checks reach Kafka.
	Kafka eventbus.Kafka
	// Topics are ensured in the background (nil without NeedKafka).
	Topics *eventbus.Topics
	// Registry and Resolver are set when etcd is configured.
	Registry *rpc.Registry
	Resolver discovery.Resolver
	// Ready is what the admin port's /readyz reports; components add to it.
	Ready *admin.Readiness
	// Tracing hands out each component's tracer provider; Tracer is this
	// component's (nil when spans are not exported: the global provider).
	Tracing *telemetry.Tracing
	Tracer  trace.TracerProvider

	phase  *phase // this component's: starting, serving, draining
	listen string // its Kitex server's listen address (ServerSuite)
}

// Open connects to what needs asks for. cfg must name real endpoints (the
// all-in-one process starts its in-process servers first and writes their
// addresses into cfg). Only the database and the object store must answer
// now: Redis may be down (reads fall back to the database), Kafka may be
// down (topics are ensured in the background, events wait in the outbox)
// and etcd may be down (registration retries for ever).
//
// Spans are recorded only when tracing exports them: without an exporter
// the instrumentation of Kitex, Hertz, gorm and Redis is left out, since it
// would cost time on every request for nothing.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, needs Needs, tracing *telemetry.Tracing) (d *Deps, err error) {
	d = &Deps{Config: cfg, Log: log, Metrics: metrics.New(), Ready: admin.NewReadiness(), Tracing: tracing}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	if needs&NeedDatabase != 0 {
		if err := d.openDatabase(); err != nil {
			return nil, err
		}
	}
	if needs&NeedCache != 0 {
		if err := d.openCache(ctx); err != nil {
			return nil, err
		}
	}
	if needs&NeedKafka != 0 {
		if err := d.openKafka(ctx); err != nil {
			return nil, err
		}
	}
	if needs&NeedObjects != 0 {
		if d.Objects, err = openObjects(ctx, cfg); err != nil {
			return nil, err
		}
		d.Ready.Watch("object_store", d.Objects.Ping)
	}
	if len(cfg.EtcdEndpoints) > 0 {
		if err := d.openDiscovery(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *Deps) openDatabase() (err error) {
	cfg := d.Config
	pool := db.Pool{MaxOpen: cfg.MySQLMaxOpenConns, MaxIdle: cfg.MySQLMaxIdleConns, Untraced: !d.Tracing.Exporting(), Replicas: cfg.MySQLReplicaDSNs}
	if d.DB, err = db.OpenPool(cfg.MySQLDSN, cfg.DataDir, pool); err != nil {
		return err
	}
	d.Ready.Require("database", func(ctx context.Context) error {
		sqlDB, err := d.DB.DB()
		if err != nil {
			return err
		}
		return sqlDB.PingContext(ctx)
	})
	return nil
}

func (d *Deps) openCache(ctx context.Context) error {
	cfg := d.Config
	if cfg.RedisAddr == "" {
		return errors.New("no redis configured: set DOUYIN_REDIS_ADDR")
	}
	tlsConfig, err := cfg.RedisTLS.Build()
	if err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	d.Cache = cache.Open(cache.Options{Addr: cfg.RedisAddr, MasterName: cfg.RedisMasterName, Username: cfg.RedisUsername, Password: cfg.RedisPassword,
		TLS: tlsConfig, Prefix: cfg.RedisPrefix, Untraced: !d.Tracing.Exporting()})
	d.Cache.Observe = d.Metrics.CacheLookups
	d.Cache.Degraded = d.cacheDegraded()
	ping := func(ctx context.Context) error { return d.Cache.RDB.Ping(ctx).Err() }
	if err := ping(ctx); err != nil {
		d.Log.Warn("redis unreachable; serving from the database until it answers", "addr", cfg.RedisAddr, "err", err)
	}
	d.Ready.Watch("redis", ping)
	return nil
}

// cacheDegraded counts every Redis failure and logs at most one a minute:
// in an outage every request fails over, and one line says it all.
func (d *Deps) cacheDegraded() func(op string, err error) {
	var lastLog atomic.Int64
	return func(op string, err error) {
		d.Metrics.CacheDegraded(op)
		now := time.Now().UnixNano()
		last := lastLog.Load()
		if now-last >= int64(time.Minute) && lastLog.CompareAndSwap(last, now) {
			d.Log.Warn("redis failing; serving from the database and retrying invalidations", "op", op, "err", err)
		}
	}
}

func (d *Deps) openKafka(ctx context.Context) (err error) {
	cfg := d.Config
	if d.Kafka, err = kafkaOf(cfg); err != nil {
		return err
	}
	spec := eventbus.TopicSpec{Partitions: cfg.KafkaPartitions, ReplicationFactor: cfg.KafkaReplicationFactor, MinInsyncReplicas: cfg.KafkaMinInsyncReplicas}
	d.Topics = eventbus.EnsureInBackground(ctx, d.Kafka, spec, d.Log, events.Topics()...)
	d.Ready.Watch("kafka", func(ctx context.Context) error {
		if err := d.Topics.Err(); err != nil {
			return err
		}
		return eventbus.Ping(ctx, d.Kafka)
	})
	return nil
}

// kafkaOf is cfg's Kafka connection.
func kafkaOf(cfg config.Config) (eventbus.Kafka, error) {
	tlsConfig, err := cfg.KafkaTLS.Build()
	if err != nil {
		return eventbus.Kafka{}, fmt.Errorf("kafka: %w", err)
	}
	mechanism, err := eventbus.SASL(cfg.KafkaSASL.Mechanism, cfg.KafkaSASL.Username, cfg.KafkaSASL.Password)
	if err != nil {
		return eventbus.Kafka{}, err
	}
	return eventbus.Kafka{Brokers: cfg.KafkaBrokers, TLS: tlsConfig, SASL: mechanism}, nil
}

func (d *Deps) openDiscovery() error {
	cfg := d.Config
	tlsConfig, err := cfg.EtcdTLS.Build()
	if err != nil {
		return fmt.Errorf("etcd: %w", err)
	}
	d.Registry, d.Resolver, err = rpc.Discovery(rpc.Etcd{
		Endpoints: cfg.EtcdEndpoints, Username: cfg.EtcdUsername, Password: cfg.EtcdPassword,
		TLS: tlsConfig, LeaseTTL: cfg.EtcdLeaseTTL,
	}, d.Log)
	return err
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

// For is d as the component name sees it: its own logger, tracer and
// readiness phase.
func (d *Deps) For(name string) *Deps {
	own := *d
	own.Name = name
	own.Log = d.Log.With("component", name)
	if d.Tracing.Exporting() {
		own.Tracer = d.Tracing.Provider(name)
	}
	own.phase = newPhase()
	d.Ready.Require(name, own.phase.check)
	return &own
}

// Words are the configured sensitive words (nil: none); see
// pkg/moderation.
func (d *Deps) Words() (*moderation.Filter, error) {
	return moderation.Load(d.Config.Moderation.Words)
}

// Clients builds this component's clients of the other services, through
// etcd when configured.
func (d *Deps) Clients() (*rpc.Clients, error) {
	return rpc.NewClients(d.Config, rpc.Caller{Name: d.Name, Log: d.Log, Traced: d.Tracing.Exporting()}, d.Resolver)
}

// ServerSuite is the Kitex server setup of this component listening on
// addr; Serve registers it at that address.
func (d *Deps) ServerSuite(addr string) rpc.ServerSuite {
	d.listen = addr
	return rpc.ServerSuite{Name: d.Name, Addr: addr, Metrics: d.Metrics, Tracer: d.Tracer, Traced: d.Tracing.Exporting(),
		MaxConcurrent: d.Config.RPC.MaxConcurrent}
}

// Close releases the connections.
func (d *Deps) Close() {
	if d.Registry != nil {
		_ = d.Registry.Close()
	}
	if d.Cache != nil {
		_ = d.Cache.Close()
	}
	if d.DB != nil {
		_ = db.Close(d.DB)
	}
}
