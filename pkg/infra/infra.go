// Package infra opens what every douyin service process shares: the
// database, Redis and the Kafka topics, from one Config.
package infra

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
)

// Deps are the connections a service is built from.
type Deps struct {
	Config config.Config
	DB     *gorm.DB
	Cache  *cache.Store
	Log    *slog.Logger
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
	return &Deps{Config: cfg, DB: gdb, Cache: store, Log: log}, nil
}

// Close releases the connections.
func (d *Deps) Close() {
	_ = d.Cache.Close()
	_ = db.Close(d.DB)
}
