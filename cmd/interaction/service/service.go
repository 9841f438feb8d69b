// Package service holds the interaction service's use cases, one file
// each: likes, the liked-videos list, batch is_favorite, comments and the
// comment list. It depends on small interfaces (its stores, the video and
// user services, the counter waiter) so each use case is tested without a
// database or a network.
package service

import (
	"context"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/douyin-go/douyin/cmd/interaction/dal"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/clock"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/moderation"
	"github.com/douyin-go/douyin/pkg/paging"
)

// FavoriteStore stores likes; changes return the ids of the events they
// wrote (none when nothing changed).
type FavoriteStore interface {
	Like(ctx context.Context, user, video, author int64, at time.Time) ([]string, error)
	Unlike(ctx context.Context, user, video, author int64) ([]string, error)
	IsFavorite(ctx context.Context, user int64, videos []int64) (map[int64]bool, error)
	// LikedVideos reads one page, most recently liked first, after a
	// position, each as (when liked, video id).
	LikedVideos(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error)
}

// CommentStore stores comments; changes return the ids of the events they
// wrote (none when nothing changed).
type CommentStore interface {
	Create(ctx context.Context, c *dal.Comment) ([]string, error)
	ByID(ctx context.Context, id int64) (*dal.Comment, error)
	Delete(ctx context.Context, id, user, video int64) ([]string, error)
	// OfVideo reads one page, newest first, after a position (a comment id).
	OfVideo(ctx context.Context, video int64, after paging.Pos, limit int) ([]dal.Comment, error)
}

// VideoClient is the part of the video service interaction uses.
type VideoClient interface {
	// VideoAuthors maps each existing video among ids to its author.
	VideoAuthors(ctx context.Context, ids []int64) (map[int64]int64, error)
	// MGetVideosWithoutLikes returns the existing videos among ids as
	// viewer sees them, is_favorite left false: likes are this service's,
	// so it fills them itself rather than be called back.
	MGetVideosWithoutLikes(ctx context.Context, viewer int64, ids []int64) ([]*base.Video, error)
}

// UserClient is the part of the user service interaction uses.
type UserClient interface {
	// MGetUsers returns the existing users among ids as viewer sees them.
	MGetUsers(ctx context.Context, viewer int64, ids []int64) (map[int64]*base.User, error)
}

// EventWaiter waits until consumers applied events.
type EventWaiter interface {
	Wait(ctx context.Context, timeout time.Duration, eventIDs []string, groups ...string) bool
}

// Deps are what the service is built from.
type Deps struct {
	Favorites FavoriteStore
	Comments  CommentStore
	Videos    VideoClient
	Users     UserClient
	Applied   EventWaiter
	// Clock stamps likes and comments (nil: time.Now).
	Clock clock.Func
}

// Options are the service's settings.
type Options struct {
	// Location is the time zone of a comment's create_date (UTC when nil).
	Location *time.Location
	// CounterWait bounds how long a like or a comment waits for the
	// consumer groups that count it.
	CounterWait time.Duration
	// Words are the sensitive words masked in comments (nil: none).
	Words *moderation.Filter
}

// Service implements the interaction use cases.
type Service struct {
	Deps
	opts Options
	// authors are the authors of videos seen, which never change.
	authors *lru.Cache[int64, int64]
}

// knownAuthors bounds how many video authors are kept.
const knownAuthors = 100_000

// New builds the service.
func New(d Deps, opts Options) *Service {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	d.Clock = clock.Or(d.Clock)
	authors, _ := lru.New[int64, int64](knownAuthors) // fails only for a size <= 0
	return &Service{Deps: d, opts: opts, authors: authors}
}

// authorOf checks that video exists and returns its author, with one call
// of the video service the first time. A video's author never changes and
// videos are never removed, so the answer is kept (a missing video is
// asked again: it may be published by then).
func (s *Service) authorOf(ctx context.Context, video int64) (int64, error) {
	if video <= 0 {
		return 0, errno.ParamErr.WithMessage("video_id must be a positive integer")
	}
	if author, ok := s.authors.Get(video); ok {
		return author, nil
	}
	authors, err := s.Videos.VideoAuthors(ctx, []int64{video})
	if err != nil {
		return 0, err
	}
	author, ok := authors[video]
	if !ok {
		return 0, errno.VideoNotExist
	}
	s.authors.Add(video, author)
	return author, nil
}

// checkActor rejects an acting user id that cannot come from a token.
func checkActor(user int64) error {
	if user <= 0 {
		return errno.TokenInvalid.WithMessage("the acting user is missing")
	}
	return nil
}
