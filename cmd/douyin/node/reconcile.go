package node

import (
	"context"
	"fmt"
	"io"

	userdal "github.com/douyin-go/douyin/cmd/user/dal"
	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/reconcile"
)

// Reconcile recomputes every counter from its source rows, fixes drift,
// drops the cached copies of what it fixed and reports to out.
func Reconcile(ctx context.Context, cfg config.Config, out io.Writer) error {
	gdb, err := db.Open(cfg.MySQLDSN, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	if err := userdal.Migrate(gdb); err != nil {
		return err
	}
	drifts, err := reconcile.Run(ctx, gdb, userdal.FollowCounters()...)
	if err != nil {
		return err
	}
	if cfg.RedisAddr != "" {
		store := cache.New(cfg.RedisAddr, cfg.RedisPassword, cfg.RedisPrefix)
		defer store.Close()
		users := userdal.NewUsers(gdb, store)
		for _, d := range drifts {
			if d.Table == "users" {
				_ = users.Invalidate(ctx, d.ID)
			}
		}
	}
	for _, d := range drifts {
		fmt.Fprintln(out, "fixed", d)
	}
	fmt.Fprintf(out, "reconcile: %d counter(s) fixed\n", len(drifts))
	return nil
}
