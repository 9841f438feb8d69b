// Package service holds the video service's use cases, one file each,
// behind small interfaces so each is tested without servers.
package service

import (
	"context"
	"time"

	"github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/cmd/video/media"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/clock"
	"github.com/douyin-go/douyin/pkg/moderation"
	"github.com/douyin-go/douyin/pkg/paging"
)

// VideoStore stores video rows.
type VideoStore interface {
	Create(ctx context.Context, v *dal.Video) ([]string, error)
	ByIDs(ctx context.Context, ids []int64) (map[int64]dal.Video, error)
	Before(ctx context.Context, ms int64, limit int) ([]dal.Stamp, error)
	// ByAuthor reads one page of author's videos, newest first, after a
	// position, each as (published_at, id).
	ByAuthor(ctx context.Context, author int64, after paging.Pos, limit int) ([]paging.Pos, error)
}

// ObjectStore keeps media objects.
type ObjectStore interface {
	PutFile(ctx context.Context, key, path, contentType string) error
	Delete(ctx context.Context, keys ...string) error
	Download(ctx context.Context, key, path string) error
	DeleteOlder(ctx context.Context, prefix string, cutoff time.Time) (int, error)
}

// Prober checks uploads and cuts covers.
type Prober interface {
	Probe(ctx context.Context, path string) (media.Info, error)
	Cover(ctx context.Context, videoPath, jpegPath string) error
}

// Users batch-gets users as a viewer sees them.
type Users interface {
	MGetUsers(ctx context.Context, viewer int64, ids []int64) (map[int64]*base.User, error)
}

// Favorites batch-answers which videos a user likes.
type Favorites interface {
	MIsFavorite(ctx context.Context, user int64, videoIDs []int64) (map[int64]bool, error)
}

// EventWaiter waits until consumers applied events.
type EventWaiter interface {
	Wait(ctx context.Context, timeout time.Duration, eventIDs []string, groups ...string) bool
}

// Deps are what the service is built from.
type Deps struct {
	Videos    VideoStore
	Objects   ObjectStore
	Prober    Prober
	Users     Users
	Favorites Favorites
	Applied   EventWaiter
	// Clock stamps publications and ages uploads (nil: time.Now).
	Clock clock.Func
}

// Options are the service's settings.
type Options struct {
	// MediaBaseURL prefixes object keys to make play and cover URLs.
	MediaBaseURL string
	// FeedSize is the most videos one feed page returns.
	FeedSize int
	// TempDir holds uploads while they are probed ("" = os.TempDir()).
	TempDir string
	// CounterWait bounds how long a publication waits for the consumer
	// groups that count it.
	CounterWait time.Duration
	// Words are the sensitive words masked in titles (nil: none).
	Words *moderation.Filter
}

// Service implements the video use cases.
type Service struct {
	Deps
	opts Options
}

// New builds the service.
func New(d Deps, opts Options) *Service {
	if opts.FeedSize <= 0 {
		opts.FeedSize = 30
	}
	d.Clock = clock.Or(d.Clock)
	return &Service{Deps: d, opts: opts}
}
