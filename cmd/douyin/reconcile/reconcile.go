// Package reconcile is `douyin reconcile`: it recomputes every counter
// from the rows it counts and fixes the ones that drifted. It reads across
// service boundaries on purpose: it is an operator's repair tool for a
// deployment whose services share one database.
package reconcile

import (
	"context"
	"fmt"
	"io"

	"gorm.io/gorm"

	interactiondal "github.com/douyin-go/douyin/cmd/interaction/dal"
	userdal "github.com/douyin-go/douyin/cmd/user/dal"
	videodal "github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/db"
)

// Run recomputes every counter from its source rows, fixes drift, drops
// the cached copies of what it fixed and reports to out. With dryRun it
// only reports the drift.
func Run(ctx context.Context, cfg config.Config, out io.Writer, dryRun bool) error {
	gdb, err := db.Open(cfg.MySQLDSN, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	if dryRun {
		drifts, err := findAll(ctx, gdb, allCounters()...)
		if err != nil {
			return err
		}
		for _, d := range drifts {
			fmt.Fprintln(out, "drifted", d)
		}
		fmt.Fprintf(out, "reconcile: %d counter(s) drifted (dry run: nothing fixed)\n", len(drifts))
		return nil
	}
	drifts, err := ReconcileDB(ctx, gdb)
	if err != nil {
		return err
	}
	if cfg.RedisAddr != "" {
		store := cache.New(cfg.RedisAddr, cfg.RedisPassword, cfg.RedisPrefix)
		defer store.Close()
		forget(ctx, gdb, store, drifts)
	}
	for _, d := range drifts {
		fmt.Fprintln(out, "fixed", d)
	}
	fmt.Fprintf(out, "reconcile: %d counter(s) fixed\n", len(drifts))
	return nil
}

// ReconcileDB fixes every counter in gdb and returns what it changed.
func ReconcileDB(ctx context.Context, gdb *gorm.DB) ([]Drift, error) {
	if err := db.Migrate(gdb, userdal.Migrate, videodal.Migrate, interactiondal.Migrate); err != nil {
		return nil, err
	}
	return fixAll(ctx, gdb, allCounters()...)
}

// forget drops cached users and videos whose counters were fixed.
func forget(ctx context.Context, gdb *gorm.DB, store *cache.Client, drifts []Drift) {
	users := userdal.NewUsers(gdb, store)
	videos := videodal.NewVideos(gdb, nil, store)
	for _, d := range drifts {
		switch d.Table {
		case "users":
			_ = users.Invalidate(ctx, d.ID)
		case "videos":
			_ = videos.Invalidate(ctx, d.ID)
		}
	}
}
