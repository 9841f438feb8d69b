package db

import (
	"time"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/paging"
)

// Keyset reads one page of q ordered newest first by (atCol, idCol): at
// most limit rows strictly after position after, as positions. It is one
// index range whatever the table's size, given an index on the filter
// columns then (atCol, idCol). atCol holds times (A time.Time) or
// milliseconds (A int64); an empty atCol orders by idCol alone. Column
// names are fixed strings from code, never input.
func Keyset[A time.Time | int64](q *gorm.DB, atCol, idCol string, after paging.Pos, limit int) ([]paging.Pos, error) {
	if atCol == "" {
		return keysetByID(q, idCol, after, limit)
	}
	if !after.IsStart() {
		// "at <= x" alone bounds the index range (an OR would hide it from
		// the planner); the rest drops the rows of time x already seen.
		at := atArg[A](after.At)
		q = q.Where(atCol+" <= ?", at).Where(atCol+" < ? OR "+idCol+" < ?", at, after.ID)
	}
	var rows []struct {
		At A
		ID int64
	}
	err := q.Select(atCol+" AS at", idCol+" AS id").Order(atCol + " DESC").Order(idCol + " DESC").Limit(limit).Scan(&rows).Error
	out := make([]paging.Pos, len(rows))
	for i, r := range rows {
		out[i] = paging.Pos{At: millis(r.At), ID: r.ID}
	}
	return out, err
}

func keysetByID(q *gorm.DB, idCol string, after paging.Pos, limit int) ([]paging.Pos, error) {
	if !after.IsStart() {
		q = q.Where(idCol+" < ?", after.ID)
	}
	var ids []int64
	err := q.Order(idCol+" DESC").Limit(limit).Pluck(idCol, &ids).Error
	out := make([]paging.Pos, len(ids))
	for i, id := range ids {
		out[i] = paging.Pos{ID: id}
	}
	return out, err
}

// atArg is a position's time as the column stores it.
func atArg[A time.Time | int64](ms int64) any {
	var zero A
	if _, isTime := any(zero).(time.Time); isTime {
		return time.UnixMilli(ms).UTC()
	}
	return ms
}

func millis[A time.Time | int64](at A) int64 {
	switch v := any(at).(type) {
	case time.Time:
		return v.UnixMilli()
	case int64:
		return v
	}
	return 0
}
