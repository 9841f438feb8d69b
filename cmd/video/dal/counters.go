package dal

import (
	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/db"
)

// CounterUpdates applies counter deltas to videos inside the consumer's
// transaction, so an event's delta lands exactly once.
type CounterUpdates struct{}

// AddFavorite applies a like (+1) or unlike (-1).
func (CounterUpdates) AddFavorite(tx *gorm.DB, video, delta int64) error {
	return db.Increment(tx, &Video{}, video, "favorite_count", delta)
}

// AddComment applies a posted (+1) or deleted (-1) comment.
func (CounterUpdates) AddComment(tx *gorm.DB, video, delta int64) error {
	return db.Increment(tx, &Video{}, video, "comment_count", delta)
}
