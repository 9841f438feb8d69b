package dal

import "github.com/douyin-go/douyin/pkg/reconcile"

// FollowCounters recompute follow_count and follower_count from follows.
func FollowCounters() []reconcile.Counter {
	return []reconcile.Counter{
		{Table: "users", Column: "follow_count", Source: "SELECT follower_id AS id, COUNT(*) AS n FROM follows GROUP BY follower_id"},
		{Table: "users", Column: "follower_count", Source: "SELECT followee_id AS id, COUNT(*) AS n FROM follows GROUP BY followee_id"},
	}
}
