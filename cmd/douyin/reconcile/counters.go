package reconcile

// followCounters recompute users.follow_count and follower_count from the
// user service's follows.
func followCounters() []Counter {
	return []Counter{
		{Table: "users", Column: "follow_count", Source: "SELECT follower_id AS id, COUNT(*) AS n FROM follows GROUP BY follower_id"},
		{Table: "users", Column: "follower_count", Source: "SELECT followee_id AS id, COUNT(*) AS n FROM follows GROUP BY followee_id"},
	}
}

// workCounters recompute users.work_count from the video service's videos.
func workCounters() []Counter {
	return []Counter{
		{Table: "users", Column: "work_count", Source: "SELECT author_id AS id, COUNT(*) AS n FROM videos GROUP BY author_id"},
	}
}

// interactionCounters recompute what likes and comments drive: the video
// service's videos.favorite_count and comment_count, and the user
// service's users.favorite_count (likes given) and total_favorited (likes
// received on all of a user's videos, joining videos for the author).
func interactionCounters() []Counter {
	return []Counter{
		{Table: "videos", Column: "favorite_count", Source: "SELECT video_id AS id, COUNT(*) AS n FROM favorites GROUP BY video_id"},
		{Table: "videos", Column: "comment_count", Source: "SELECT video_id AS id, COUNT(*) AS n FROM comments GROUP BY video_id"},
		{Table: "users", Column: "favorite_count", Source: "SELECT user_id AS id, COUNT(*) AS n FROM favorites GROUP BY user_id"},
		{Table: "users", Column: "total_favorited", Source: "SELECT v.author_id AS id, COUNT(*) AS n FROM favorites f JOIN videos v ON v.id = f.video_id GROUP BY v.author_id"},
	}
}

// allCounters are every counter douyin keeps.
func allCounters() []Counter {
	var all []Counter
	all = append(all, followCounters()...)
	all = append(all, workCounters()...)
	return append(all, interactionCounters()...)
}
