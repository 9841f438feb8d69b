package db

import (
	"context"

	"gorm.io/gorm"
)

// Migrate runs each migration on gdb in order, stopping at the first error.
func Migrate(gdb *gorm.DB, migrations ...func(*gorm.DB) error) error {
	for _, m := range migrations {
		if err := m(gdb); err != nil {
			return err
		}
	}
	return nil
}

// Increment adds delta to column of model's row id, in tx. column is a
// fixed name from code, never input.
func Increment(tx *gorm.DB, model any, id int64, column string, delta int64) error {
	return tx.Model(model).Where("id = ?", id).
		UpdateColumn(column, gorm.Expr(column+" + ?", delta)).Error
}

// ByIDs reads the rows of T whose primary key "id" is among ids, keyed by
// id (read with idOf).
func ByIDs[T any](ctx context.Context, gdb *gorm.DB, ids []int64, idOf func(T) int64) (map[int64]T, error) {
	var rows []T
	if err := gdb.WithContext(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]T, len(rows))
	for _, r := range rows {
		out[idOf(r)] = r
	}
	return out, nil
}

// Set is the values of column among the rows q selects, as a set (only
// members map to true): which of some ids a user follows, likes, ...
func Set(q *gorm.DB, column string) (map[int64]bool, error) {
	var values []int64
	err := q.Pluck(column, &values).Error
	out := make(map[int64]bool, len(values))
	for _, v := range values {
		out[v] = true
	}
	return out, err
}
