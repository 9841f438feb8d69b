package boot

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/db"
)

// migrate creates c's tables, or, with auto_migrate off, waits until
// `douyin migrate` has created them for this version of c.
func (d *Deps) migrate(ctx context.Context, c Component) error {
	if c.Migrate == nil || d.DB == nil {
		return nil
	}
	if d.Config.AutoMigrate {
		return c.Migrate(d.DB)
	}
	fingerprint, err := db.Fingerprint(c.Migrate)
	if err != nil {
		return err
	}
	waiting := fmt.Errorf("waiting for `douyin migrate` to create schema %s", fingerprint)
	var logged time.Time
	for {
		ok, err := db.HasSchema(ctx, d.DB, c.Name, fingerprint)
		if ok {
			return nil
		}
		d.phase.waiting(waiting)
		if time.Since(logged) > 30*time.Second {
			d.Log.Warn("tables not migrated for this version yet; waiting for the migration job", "schema", fingerprint, "err", err)
			logged = time.Now()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// Migrate runs every component's migrations on gdb and records each
// schema, so services that do not migrate themselves start: what
// `douyin migrate` does.
func Migrate(ctx context.Context, gdb *gorm.DB, components []Component) error {
	for _, c := range components {
		if c.Migrate == nil {
			continue
		}
		fingerprint, err := db.Fingerprint(c.Migrate)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		if err := c.Migrate(gdb); err != nil {
			return fmt.Errorf("migrate %s: %w", c.Name, err)
		}
		if err := db.RecordSchema(ctx, gdb, c.Name, fingerprint); err != nil {
			return fmt.Errorf("record %s schema: %w", c.Name, err)
		}
	}
	return nil
}
