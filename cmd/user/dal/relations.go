package dal

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/paging"
)

// Relations stores follow edges and the friendships they make. Changing an
// edge, its friendship and writing its event happen in one transaction,
// and only when the edge really changed.
type Relations struct{ eventbus.Tables }

// Follow makes follower follow followee since at; it returns the ids of
// the events written (none if the edge already existed).
func (r *Relations) Follow(ctx context.Context, follower, followee int64, at time.Time) ([]string, error) {
	// Whole milliseconds, as cursors carry them (and MySQL keeps them).
	at = at.UTC().Truncate(time.Millisecond)
	return r.Transact(ctx, func(tx *gorm.DB, emit eventbus.Emit) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&Follow{FollowerID: follower, FolloweeID: followee, CreatedAt: at})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		if err := befriendIfMutual(tx, follower, followee, at); err != nil {
			return err
		}
		return emit(events.Followed{FollowerID: follower, FolloweeID: followee, Delta: 1})
	})
}

// befriendIfMutual records the friendship when followee already follows
// follower back.
func befriendIfMutual(tx *gorm.DB, follower, followee int64, at time.Time) error {
	var back int64
	if err := tx.Model(&Follow{}).Where("follower_id = ? AND followee_id = ?", followee, follower).Count(&back).Error; err != nil || back == 0 {
		return err
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).
		Create([]Friend{{UserID: follower, FriendID: followee, CreatedAt: at}, {UserID: followee, FriendID: follower, CreatedAt: at}}).Error
}

// Unfollow removes the edge and any friendship it made; it returns the ids
// of the events written (none if there was no edge).
func (r *Relations) Unfollow(ctx context.Context, follower, followee int64) ([]string, error) {
	return r.Transact(ctx, func(tx *gorm.DB, emit eventbus.Emit) error {
		res := tx.Where("follower_id = ? AND followee_id = ?", follower, followee).Delete(&Follow{})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		err := tx.Where("(user_id = ? AND friend_id = ?) OR (user_id = ? AND friend_id = ?)", follower, followee, followee, follower).
			Delete(&Friend{}).Error
		if err != nil {
			return err
		}
		return emit(events.Followed{FollowerID: follower, FolloweeID: followee, Delta: -1})
	})
}

// Following returns which of ids viewer follows (only those it does).
func (r *Relations) Following(ctx context.Context, viewer int64, ids []int64) (map[int64]bool, error) {
	if viewer == 0 || len(ids) == 0 {
		return map[int64]bool{}, nil
	}
	return db.Set(r.DB.WithContext(ctx).Model(&Follow{}).Where("follower_id = ? AND followee_id IN ?", viewer, ids), "followee_id")
}

// FolloweesOf lists, newest first, at most limit users whom user follows,
// after position after: each as (when followed, user id).
func (r *Relations) FolloweesOf(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	return db.Keyset[time.Time](r.DB.WithContext(ctx).Model(&Follow{}).Where("follower_id = ?", user), "created_at", "followee_id", after, limit)
}

// FollowersOf lists, newest first, at most limit users who follow user,
// after position after.
func (r *Relations) FollowersOf(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	return db.Keyset[time.Time](r.DB.WithContext(ctx).Model(&Follow{}).Where("followee_id = ?", user), "created_at", "follower_id", after, limit)
}

// FriendsOf lists, newest friendship first, at most limit users who follow
// user and whom user follows, after position after.
func (r *Relations) FriendsOf(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	return db.Keyset[time.Time](r.DB.WithContext(ctx).Model(&Friend{}).Where("user_id = ?", user), "created_at", "friend_id", after, limit)
}
