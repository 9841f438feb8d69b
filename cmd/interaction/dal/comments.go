package dal

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/paging"
)

// Comments stores comments. Posting or deleting one and its event happen
// in one transaction.
type Comments struct{ eventbus.Tables }

// Create inserts c, setting its id, and returns the ids of the events
// written.
func (s *Comments) Create(ctx context.Context, c *Comment) ([]string, error) {
	c.CreatedAt = storedTime(c.CreatedAt)
	return retryDeadlock(ctx, func() ([]string, error) {
		c.ID = 0
		return s.Transact(ctx, func(tx *gorm.DB, emit eventbus.Emit) error {
			if err := tx.Create(c).Error; err != nil {
				return err
			}
			return emit(events.Commented{VideoID: c.VideoID, CommentID: c.ID, Delta: 1})
		})
	})
}

// ByID finds a comment; ErrNotFound when there is none.
func (s *Comments) ByID(ctx context.Context, id int64) (*Comment, error) {
	var c Comment
	err := s.DB.WithContext(ctx).Where("id = ?", id).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Delete removes comment id if user wrote it on video, and returns the ids
// of the events written: none if no such comment was there. The owner is
// part of the condition, so a race can never delete someone else's.
func (s *Comments) Delete(ctx context.Context, id, user, video int64) ([]string, error) {
	return retryDeadlock(ctx, func() ([]string, error) {
		return s.Transact(ctx, func(tx *gorm.DB, emit eventbus.Emit) error {
			res := tx.Where("id = ? AND user_id = ? AND video_id = ?", id, user, video).Delete(&Comment{})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			return emit(events.Commented{VideoID: video, CommentID: id, Delta: -1})
		})
	})
}

// OfVideo lists one page of the comments on video, newest first, after
// position after (a comment id).
func (s *Comments) OfVideo(ctx context.Context, video int64, after paging.Pos, limit int) ([]Comment, error) {
	q := s.DB.WithContext(ctx).Where("video_id = ?", video)
	if !after.IsStart() {
		q = q.Where("id < ?", after.ID)
	}
	rows := []Comment{}
	err := q.Order("id DESC").Limit(limit).Find(&rows).Error
	return rows, err
}
