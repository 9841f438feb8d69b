package dal

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/paging"
)

// Videos stores video rows; reads by id go through a generation-checked cache.
type Videos struct {
	eventbus.Tables
	// ReplicaLag is how far behind read replicas may be; pages of the feed
	// older than that are read from them (0: never).
	ReplicaLag time.Duration
	cache      *cache.Entities[Video]
}

// NewVideos stores videos in gdb with events in outbox, caching rows in store.
func NewVideos(gdb *gorm.DB, outbox *eventbus.Outbox, store *cache.Client) *Videos {
	return &Videos{Tables: eventbus.Tables{DB: gdb, Outbox: outbox}, cache: cache.NewEntities[Video](store, "video", 10*time.Minute)}
}

// Create inserts v and its Published event in one transaction, publishing
// it at v.PublishedAt or, when another video has that millisecond, the
// next free one; it sets v.ID and v.PublishedAt and returns the event ids.
func (s *Videos) Create(ctx context.Context, v *Video) ([]string, error) {
	at := v.PublishedAt
	for attempt := 0; ; attempt++ {
		v.ID, v.PublishedAt = 0, at
		ids, err := s.Transact(ctx, func(tx *gorm.DB, emit eventbus.Emit) error {
			if err := tx.Create(v).Error; err != nil {
				return err
			}
			return emit(events.Published{AuthorID: v.AuthorID, VideoID: v.ID, Delta: 1})
		})
		// Another video took this millisecond: take the next one.
		if db.IsDuplicate(err) && attempt < 1000 {
			at++
			continue
		}
		return ids, err
	}
}

// ByIDs returns the videos found among ids, keyed by id.
func (s *Videos) ByIDs(ctx context.Context, ids []int64) (map[int64]Video, error) {
	return s.cache.Load(ctx, ids, s.rowsByID)
}

func (s *Videos) rowsByID(ctx context.Context, ids []int64) (map[int64]Video, error) {
	return db.ByIDs(ctx, s.DB, ids, func(v Video) int64 { return v.ID })
}

// Stamp is a video id with its publish time.
type Stamp struct {
	ID          int64
	PublishedAt int64
}

// Before lists at most limit videos published strictly before ms, newest
// first (a range scan of uk_videos_published). Videos are only ever
// published at the present, so a page older than the replicas' lag is read
// from a replica.
func (s *Videos) Before(ctx context.Context, ms int64, limit int) ([]Stamp, error) {
	q := s.DB.WithContext(ctx).Model(&Video{})
	if s.ReplicaLag > 0 && ms < time.Now().Add(-s.ReplicaLag).UnixMilli() {
		q = db.Aged(q)
	}
	var stamps []Stamp
	err := q.Select("id", "published_at").Where("published_at < ?", ms).Order("published_at DESC").Limit(limit).Scan(&stamps).Error
	return stamps, err
}

// ByAuthor lists one page of author's videos, newest first, after
// position after, each as (published_at, id).
func (s *Videos) ByAuthor(ctx context.Context, author int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	return db.Keyset[int64](s.DB.WithContext(ctx).Model(&Video{}).Where("author_id = ?", author), "published_at", "id", after, limit)
}

// Invalidate drops cached copies of ids after their rows changed.
func (s *Videos) Invalidate(ctx context.Context, ids ...int64) error {
	return s.cache.Invalidate(ctx, ids...)
}
