// Package dal is the video service's data access: video rows and their
// counters, in tables only this service touches.
package dal

import "gorm.io/gorm"

// OutboxTable holds the video service's events until they reach Kafka.
const OutboxTable = "video_outbox"

// Video is a published video. PublishedAt (ms since the epoch) is unique,
// so feed paging by "strictly before next_time" never skips a video that
// shares a millisecond with the last one of a page.
type Video struct {
	ID            int64  `gorm:"primaryKey;autoIncrement" json:"id"`
	AuthorID      int64  `gorm:"not null;index:idx_videos_author_published,priority:1" json:"author_id"`
	Title         string `gorm:"size:400;not null" json:"title"`
	PlayKey       string `gorm:"size:255;not null" json:"play_key"`
	CoverKey      string `gorm:"size:255;not null" json:"cover_key"`
	FavoriteCount int64  `gorm:"not null;default:0" json:"favorite_count"`
	CommentCount  int64  `gorm:"not null;default:0" json:"comment_count"`
	PublishedAt   int64  `gorm:"not null;uniqueIndex:uk_videos_published;index:idx_videos_author_published,priority:2" json:"published_at"`
}

// Migrate creates the video service's tables.
func Migrate(db *gorm.DB) error {
	if db.Name() == "mysql" {
		// Titles are any text a phone can type (Chinese, emoji), whatever
		// the database's default character set is.
		db = db.Set("gorm:table_options", "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
	}
	return db.AutoMigrate(&Video{})
}
