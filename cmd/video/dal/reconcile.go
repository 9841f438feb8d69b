package dal

import "github.com/douyin-go/douyin/pkg/reconcile"

// WorkCounters recompute users.work_count from videos.
func WorkCounters() []reconcile.Counter {
	return []reconcile.Counter{
		{Table: "users", Column: "work_count", Source: "SELECT author_id AS id, COUNT(*) AS n FROM videos GROUP BY author_id"},
	}
}
