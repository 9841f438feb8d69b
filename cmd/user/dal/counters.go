package dal

import (
	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/db"
)

// CounterUpdates applies counter deltas to users; it runs inside the
// consumer's transaction, so an event's delta lands exactly once.
type CounterUpdates struct{}

// AddFollow applies a follow (+1) or unfollow (-1).
func (CounterUpdates) AddFollow(tx *gorm.DB, follower, followee, delta int64) error {
	if err := db.Increment(tx, &User{}, follower, "follow_count", delta); err != nil {
		return err
	}
	return db.Increment(tx, &User{}, followee, "follower_count", delta)
}

// AddFavorite applies a like (+1) or unlike (-1) by liker of a video of author.
func (CounterUpdates) AddFavorite(tx *gorm.DB, liker, author, delta int64) error {
	if err := db.Increment(tx, &User{}, liker, "favorite_count", delta); err != nil {
		return err
	}
	return db.Increment(tx, &User{}, author, "total_favorited", delta)
}

// AddWork applies a published (+1) or removed (-1) video of author.
func (CounterUpdates) AddWork(tx *gorm.DB, author, delta int64) error {
	return db.Increment(tx, &User{}, author, "work_count", delta)
}
