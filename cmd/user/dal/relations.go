package dal

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
)

// Relations stores follow edges. Changing an edge and writing its event
// happen in one transaction, and only when the edge really changed.
type Relations struct {
	db     *gorm.DB
	outbox *eventbus.Outbox
}

// NewRelations stores edges in gdb with events in outbox.
func NewRelations(gdb *gorm.DB, outbox *eventbus.Outbox) *Relations {
	return &Relations{db: gdb, outbox: outbox}
}

// Follow makes follower follow followee since at; it returns the ids of the events
// written (none if the edge already existed).
func (r *Relations) Follow(ctx context.Context, follower, followee int64, at time.Time) ([]string, error) {
	return r.outbox.Transact(ctx, r.db, func(tx *gorm.DB, emit eventbus.Emit) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&Follow{FollowerID: follower, FolloweeID: followee, CreatedAt: at})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return emit(events.Followed{FollowerID: follower, FolloweeID: followee, Delta: 1})
	})
}

// Unfollow removes the edge; it returns the ids of the events written
// (none if there was no edge).
func (r *Relations) Unfollow(ctx context.Context, follower, followee int64) ([]string, error) {
	return r.outbox.Transact(ctx, r.db, func(tx *gorm.DB, emit eventbus.Emit) error {
		res := tx.Where("follower_id = ? AND followee_id = ?", follower, followee).Delete(&Follow{})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return emit(events.Followed{FollowerID: follower, FolloweeID: followee, Delta: -1})
	})
}

// Following returns which of ids viewer follows.
func (r *Relations) Following(ctx context.Context, viewer int64, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	if viewer == 0 || len(ids) == 0 {
		return out, nil
	}
	var followees []int64
	err := r.db.WithContext(ctx).Model(&Follow{}).
		Where("follower_id = ? AND followee_id IN ?", viewer, ids).
		Pluck("followee_id", &followees).Error
	for _, id := range followees {
		out[id] = true
	}
	return out, err
}

// FolloweesOf lists whom user follows, most recent first.
func (r *Relations) FolloweesOf(ctx context.Context, user int64) ([]int64, error) {
	var ids []int64
	err := r.db.WithContext(ctx).Model(&Follow{}).Where("follower_id = ?", user).
		Order("created_at DESC, followee_id DESC").Pluck("followee_id", &ids).Error
	return ids, err
}

// FollowersOf lists who follows user, most recent first.
func (r *Relations) FollowersOf(ctx context.Context, user int64) ([]int64, error) {
	var ids []int64
	err := r.db.WithContext(ctx).Model(&Follow{}).Where("followee_id = ?", user).
		Order("created_at DESC, follower_id DESC").Pluck("follower_id", &ids).Error
	return ids, err
}

// FriendsOf lists users who follow user and whom user follows, most
// recently followed by user first.
func (r *Relations) FriendsOf(ctx context.Context, user int64) ([]int64, error) {
	var ids []int64
	err := r.db.WithContext(ctx).Table("follows AS f").
		Joins("JOIN follows AS b ON b.follower_id = f.followee_id AND b.followee_id = f.follower_id").
		Where("f.follower_id = ?", user).
		Order("f.created_at DESC, f.followee_id DESC").Pluck("f.followee_id", &ids).Error
	return ids, err
}
