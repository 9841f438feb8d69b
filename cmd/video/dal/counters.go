package dal

import "gorm.io/gorm"

// Counters applies counter deltas to videos inside the consumer's
// transaction, so an event's delta lands exactly once.
type Counters struct{}

// AddFavorite applies a like (+1) or unlike (-1).
func (Counters) AddFavorite(tx *gorm.DB, video, delta int64) error {
	return add(tx, video, "favorite_count", delta)
}

// AddComment applies a posted (+1) or deleted (-1) comment.
func (Counters) AddComment(tx *gorm.DB, video, delta int64) error {
	return add(tx, video, "comment_count", delta)
}

// add changes one counter column; column is one of the names above, never input.
func add(tx *gorm.DB, id int64, column string, delta int64) error {
	return tx.Model(&Video{}).Where("id = ?", id).
		UpdateColumn(column, gorm.Expr(column+" + ?", delta)).Error
}
