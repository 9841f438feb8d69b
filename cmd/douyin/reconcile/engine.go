package reconcile

// The engine recomputes stored counters from the rows they count and fixes
// any that drifted. It is a repair tool: run it while writes are quiet,
// because an event still in flight would be counted twice.

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Counter names a counter column and the query that recomputes it: Source
// selects (id, n) for every id that has a non-zero count.
type Counter struct {
	Table  string
	Column string
	Source string
}

// Drift is one counter that was wrong and has been fixed.
type Drift struct {
	Table  string
	Column string
	ID     int64
	Was    int64
	Now    int64
}

func (d Drift) String() string {
	return fmt.Sprintf("%s.%s id=%d: %d -> %d", d.Table, d.Column, d.ID, d.Was, d.Now)
}

// fixAll fixes every counter and returns what it changed.
func fixAll(ctx context.Context, db *gorm.DB, counters ...Counter) ([]Drift, error) {
	return each(ctx, db, counters, fix)
}

// findAll lists the drift of every counter, fixing nothing.
func findAll(ctx context.Context, db *gorm.DB, counters ...Counter) ([]Drift, error) {
	return each(ctx, db, counters, find)
}

// each runs step on every counter and gathers the drift it reports.
func each(ctx context.Context, db *gorm.DB, counters []Counter, step func(context.Context, *gorm.DB, Counter) ([]Drift, error)) ([]Drift, error) {
	var all []Drift
	for _, c := range counters {
		drifts, err := step(ctx, db, c)
		if err != nil {
			return all, fmt.Errorf("counter %s.%s: %w", c.Table, c.Column, err)
		}
		all = append(all, drifts...)
	}
	return all, nil
}

func fix(ctx context.Context, db *gorm.DB, c Counter) ([]Drift, error) {
	drifts, err := find(ctx, db, c)
	for i, d := range drifts {
		if err != nil {
			return drifts[:i], err
		}
		err = db.WithContext(ctx).Table(c.Table).Where("id = ?", d.ID).UpdateColumn(c.Column, d.Now).Error
	}
	return drifts, err
}

// find lists the rows whose counter c differs from its recomputed value.
func find(ctx context.Context, db *gorm.DB, c Counter) ([]Drift, error) {
	// Table, column and source are fixed strings from code, never input.
	query := fmt.Sprintf(
		"SELECT t.id AS id, t.%[2]s AS was, COALESCE(s.n, 0) AS now FROM %[1]s t LEFT JOIN (%[3]s) s ON s.id = t.id WHERE t.%[2]s <> COALESCE(s.n, 0)",
		c.Table, c.Column, c.Source)
	var rows []struct{ ID, Was, Now int64 }
	if err := db.WithContext(ctx).Raw(query).Scan(&rows).Error; err != nil {
		return nil, err
	}
	drifts := make([]Drift, len(rows))
	for i, r := range rows {
		drifts[i] = Drift{Table: c.Table, Column: c.Column, ID: r.ID, Was: r.Was, Now: r.Now}
	}
	return drifts, nil
}
