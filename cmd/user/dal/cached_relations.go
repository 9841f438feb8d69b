package dal

import (
	"context"
	"time"

	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/paging"
)

// CachedRelations keeps, in process, who follows whom as lists and flags
// are read, each copy valid for one generation of its user: a follow or
// unfollow bumps both users' generations once it committed, so no instance
// serves a list or an is_follow from before it.
type CachedRelations struct {
	*Relations
	flags *cache.Versioned[int64, bool]
	lists *cache.Versioned[listKey, []paging.Pos]
}

// listKey is one page of one of a user's lists.
type listKey struct {
	list  string
	after paging.Pos
	limit int
}

// NewCachedRelations caches r's reads, generations in client.
func NewCachedRelations(r *Relations, client *cache.Client) *CachedRelations {
	return &CachedRelations{
		Relations: r,
		flags:     cache.NewVersioned[int64, bool](client, "follows", 200_000),
		lists:     cache.NewVersioned[listKey, []paging.Pos](client, "follows", 20_000),
	}
}

// Follow follows and, when the edge changed, makes the copies of both
// users stale.
func (c *CachedRelations) Follow(ctx context.Context, follower, followee int64, at time.Time) ([]string, error) {
	ids, err := c.Relations.Follow(ctx, follower, followee, at)
	return ids, c.flags.BumpAfter(ctx, ids, err, follower, followee)
}

// Unfollow unfollows and, when the edge changed, makes the copies of both
// users stale.
func (c *CachedRelations) Unfollow(ctx context.Context, follower, followee int64) ([]string, error) {
	ids, err := c.Relations.Unfollow(ctx, follower, followee)
	return ids, c.flags.BumpAfter(ctx, ids, err, follower, followee)
}

// Following is Relations.Following through the cache.
func (c *CachedRelations) Following(ctx context.Context, viewer int64, ids []int64) (map[int64]bool, error) {
	if viewer == 0 {
		return map[int64]bool{}, nil
	}
	flags, err := c.flags.Load(ctx, viewer, ids, func(ctx context.Context, missed []int64) (map[int64]bool, error) {
		return c.Relations.Following(ctx, viewer, missed)
	})
	for id, yes := range flags {
		if !yes {
			delete(flags, id)
		}
	}
	return flags, err
}

// FolloweesOf is Relations.FolloweesOf through the cache.
func (c *CachedRelations) FolloweesOf(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	return c.list(ctx, "followees", user, after, limit, c.Relations.FolloweesOf)
}

// FollowersOf is Relations.FollowersOf through the cache.
func (c *CachedRelations) FollowersOf(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	return c.list(ctx, "followers", user, after, limit, c.Relations.FollowersOf)
}

// FriendsOf is Relations.FriendsOf through the cache.
func (c *CachedRelations) FriendsOf(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	return c.list(ctx, "friends", user, after, limit, c.Relations.FriendsOf)
}

type pageReader func(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error)

func (c *CachedRelations) list(ctx context.Context, name string, user int64, after paging.Pos, limit int, read pageReader) ([]paging.Pos, error) {
	return c.lists.LoadOne(ctx, user, listKey{name, after, limit}, func(ctx context.Context) ([]paging.Pos, error) {
		return read(ctx, user, after, limit)
	})
}
