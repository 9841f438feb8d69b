package dal

import (
	"gorm.io/gorm"
)

// Counters applies counter deltas to users; it runs inside the consumer's
// transaction, so an event's delta lands exactly once.
type Counters struct{}

// AddFollow applies a follow (+1) or unfollow (-1).
func (Counters) AddFollow(tx *gorm.DB, follower, followee, delta int64) error {
	if err := add(tx, follower, "follow_count", delta); err != nil {
		return err
	}
	return add(tx, followee, "follower_count", delta)
}

// AddFavorite applies a like (+1) or unlike (-1) by liker of a video of author.
func (Counters) AddFavorite(tx *gorm.DB, liker, author, delta int64) error {
	if err := add(tx, liker, "favorite_count", delta); err != nil {
		return err
	}
	return add(tx, author, "total_favorited", delta)
}

// AddWork applies a published (+1) or removed (-1) video of author.
func (Counters) AddWork(tx *gorm.DB, author, delta int64) error {
	return add(tx, author, "work_count", delta)
}

// add changes one counter column; column is one of the names above, never
// user input.
func add(tx *gorm.DB, id int64, column string, delta int64) error {
	return tx.Model(&User{}).Where("id = ?", id).
		UpdateColumn(column, gorm.Expr(column+" + ?", delta)).Error
}
