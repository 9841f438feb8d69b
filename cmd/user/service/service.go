// Package service holds the user service's use cases, one file each. It
// depends on small interfaces so each use case is tested without a database.
package service

import (
	"context"
	"time"

	"github.com/douyin-go/douyin/cmd/user/dal"
	"github.com/douyin-go/douyin/pkg/clock"
	"github.com/douyin-go/douyin/pkg/moderation"
	"github.com/douyin-go/douyin/pkg/paging"
)

// UserStore stores accounts.
type UserStore interface {
	Create(ctx context.Context, u *dal.User) error
	ByUsername(ctx context.Context, name string) (*dal.User, error)
	ByIDs(ctx context.Context, ids []int64) (map[int64]dal.User, error)
}

// RelationStore stores follow edges; changes return the ids of the events
// they wrote.
type RelationStore interface {
	Follow(ctx context.Context, follower, followee int64, at time.Time) ([]string, error)
	Unfollow(ctx context.Context, follower, followee int64) ([]string, error)
	Following(ctx context.Context, viewer int64, ids []int64) (map[int64]bool, error)
	// The lists read one page, newest first, after a position, each
	// entry as (when, user id).
	FolloweesOf(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error)
	FollowersOf(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error)
	FriendsOf(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error)
}

// EventWaiter waits until consumers applied events.
type EventWaiter interface {
	Wait(ctx context.Context, timeout time.Duration, eventIDs []string, groups ...string) bool
}

// Deps are what the service is built from.
type Deps struct {
	Users     UserStore
	Relations RelationStore
	Applied   EventWaiter
	// Clock stamps new rows (nil: time.Now).
	Clock clock.Func
}

// Options are the service's settings.
type Options struct {
	// AvatarURL and BackgroundURL are the default profile images.
	AvatarURL, BackgroundURL string
	// BcryptCost is the password hashing cost.
	BcryptCost int
	// CounterWait bounds how long an action waits for the consumer groups
	// that count its events, so counts read after it returns include it.
	CounterWait time.Duration
	// Words are the sensitive words no username may hold (nil: none).
	Words *moderation.Filter
}

// Service implements the user use cases.
type Service struct {
	Deps
	opts Options
}

// New builds the service.
func New(d Deps, opts Options) *Service {
	d.Clock = clock.Or(d.Clock)
	return &Service{Deps: d, opts: opts}
}
