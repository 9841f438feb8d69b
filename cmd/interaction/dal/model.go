// Package dal is the interaction service's data access: likes and comments,
// in tables only this service touches. Every change that moves a counter
// writes its event to the interaction outbox in the same transaction, and
// only when a row really changed.
package dal

import (
	"errors"
	"time"

	"gorm.io/gorm"
)

// ErrNotFound reports a missing row.
var ErrNotFound = errors.New("not found")

// OutboxTable is the interaction service's outbox.
const OutboxTable = "interaction_outbox"

// Favorite is one like: UserID likes VideoID since CreatedAt. Index names
// carry the table name because SQLite index names are database-wide.
type Favorite struct {
	UserID    int64     `gorm:"primaryKey;autoIncrement:false;index:idx_favorites_user_liked,priority:1"`
	VideoID   int64     `gorm:"primaryKey;autoIncrement:false;index:idx_favorites_video;index:idx_favorites_user_liked,priority:3"`
	CreatedAt time.Time `gorm:"not null;index:idx_favorites_user_liked,priority:2"`
}

// MaxCommentRunes is the longest comment, in characters (runes); MySQL's
// VARCHAR(n) of utf8mb4 counts the same characters.
const MaxCommentRunes = 500

// Comment is one comment of UserID on VideoID. Ids grow with time, so
// "newest first" is "highest id first".
type Comment struct {
	ID        int64     `gorm:"primaryKey;autoIncrement;index:idx_comments_video_id,priority:2"`
	VideoID   int64     `gorm:"not null;index:idx_comments_video_id,priority:1"`
	UserID    int64     `gorm:"not null"`
	Content   string    `gorm:"size:500;not null"`
	CreatedAt time.Time `gorm:"not null"`
}

// Migrate creates the interaction service's tables.
func Migrate(db *gorm.DB) error {
	if db.Name() == "mysql" {
		// Comments are any text a phone can type, emoji included, whatever
		// the database's default character set is.
		db = db.Set("gorm:table_options", "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
	}
	return db.AutoMigrate(&Favorite{}, &Comment{})
}

// storedTime is t as rows keep it: UTC, whole milliseconds (what MariaDB's
// DATETIME(3) keeps, so a row reads back exactly as written).
func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
