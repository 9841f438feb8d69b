package dal

import "github.com/douyin-go/douyin/pkg/reconcile"

// Counters recompute the counters that likes and comments drive from the
// interaction tables: the video service's videos.favorite_count and
// videos.comment_count, and the user service's users.favorite_count (likes
// given) and users.total_favorited (likes received on all of a user's
// videos; it joins the video service's videos table for the author).
func Counters() []reconcile.Counter {
	return []reconcile.Counter{
		{Table: "videos", Column: "favorite_count", Source: "SELECT video_id AS id, COUNT(*) AS n FROM favorites GROUP BY video_id"},
		{Table: "videos", Column: "comment_count", Source: "SELECT video_id AS id, COUNT(*) AS n FROM comments GROUP BY video_id"},
		{Table: "users", Column: "favorite_count", Source: "SELECT user_id AS id, COUNT(*) AS n FROM favorites GROUP BY user_id"},
		{Table: "users", Column: "total_favorited", Source: "SELECT v.author_id AS id, COUNT(*) AS n FROM favorites f JOIN videos v ON v.id = f.video_id GROUP BY v.author_id"},
	}
}
