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

// Favorites stores likes. A like or unlike and its event happen in one
// transaction, and the event is written only when the like really changed.
type Favorites struct{ eventbus.Tables }

// Like makes user like video (of author) since at; it returns the ids of
// the events written: none if the like already existed.
func (f *Favorites) Like(ctx context.Context, user, video, author int64, at time.Time) ([]string, error) {
	return retryDeadlock(ctx, func() ([]string, error) {
		return f.Transact(ctx, func(tx *gorm.DB, emit eventbus.Emit) error {
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).
				Create(&Favorite{UserID: user, VideoID: video, CreatedAt: storedTime(at)})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			return emit(events.Favorited{UserID: user, VideoID: video, AuthorID: author, Delta: 1})
		})
	})
}

// Unlike removes user's like of video (of author); it returns the ids of
// the events written: none if there was no like.
func (f *Favorites) Unlike(ctx context.Context, user, video, author int64) ([]string, error) {
	return retryDeadlock(ctx, func() ([]string, error) {
		return f.Transact(ctx, func(tx *gorm.DB, emit eventbus.Emit) error {
			res := tx.Where("user_id = ? AND video_id = ?", user, video).Delete(&Favorite{})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			return emit(events.Favorited{UserID: user, VideoID: video, AuthorID: author, Delta: -1})
		})
	})
}

// IsFavorite returns which of videos user likes, in one query.
func (f *Favorites) IsFavorite(ctx context.Context, user int64, videos []int64) (map[int64]bool, error) {
	if user <= 0 || len(videos) == 0 {
		return map[int64]bool{}, nil
	}
	return db.Set(f.DB.WithContext(ctx).Model(&Favorite{}).Where("user_id = ? AND video_id IN ?", user, videos), "video_id")
}

// LikedVideos lists one page of the videos user likes, most recently
// liked first, after position after, each as (when liked, video id).
func (f *Favorites) LikedVideos(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	return db.Keyset[time.Time](f.DB.WithContext(ctx).Model(&Favorite{}).Where("user_id = ?", user), "created_at", "video_id", after, limit)
}
