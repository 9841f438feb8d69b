package dal

import (
	"context"
	"math"

	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/paging"
)

// CachedLists keeps pages of the feed and of authors' videos in process,
// each valid for one generation kept in Redis: the feed's (owner 0) and
// the author's, both bumped by every publication once it committed.
type CachedLists struct {
	*Videos
	feed    *cache.Versioned[feedKey, []Stamp]
	authors *cache.Versioned[authorKey, []paging.Pos]
}

// feedOwner is the owner of the feed's generation; authors are users,
// whose ids start at 1.
const feedOwner = 0

type feedKey struct {
	before int64 // 0: the newest page
	limit  int
}

type authorKey struct {
	after paging.Pos
	limit int
}

// NewCachedLists caches v's lists, generations in client.
func NewCachedLists(v *Videos, client *cache.Client) *CachedLists {
	return &CachedLists{
		Videos:  v,
		feed:    cache.NewVersioned[feedKey, []Stamp](client, "videos", 10_000),
		authors: cache.NewVersioned[authorKey, []paging.Pos](client, "videos", 20_000),
	}
}

// Create publishes v, then makes the feed's and v's author's pages stale
// in every instance (retrying in the background if Redis is down: the
// video is published either way).
func (c *CachedLists) Create(ctx context.Context, v *Video) ([]string, error) {
	ids, err := c.Videos.Create(ctx, v)
	if err == nil {
		_ = c.feed.Bump(ctx, feedOwner, v.AuthorID)
	}
	return ids, err
}

// Before is Videos.Before through the cache. A time after the newest
// video (the client's "now") is answered by the newest page, so every
// client reading the head of the feed shares one copy.
func (c *CachedLists) Before(ctx context.Context, ms int64, limit int) ([]Stamp, error) {
	head, err := c.feed.LoadOne(ctx, feedOwner, feedKey{0, limit}, func(ctx context.Context) ([]Stamp, error) {
		return c.Videos.Before(ctx, math.MaxInt64, limit)
	})
	if err != nil || len(head) == 0 || ms > head[0].PublishedAt {
		return head, err
	}
	return c.feed.LoadOne(ctx, feedOwner, feedKey{ms, limit}, func(ctx context.Context) ([]Stamp, error) {
		return c.Videos.Before(ctx, ms, limit)
	})
}

// ByAuthor is Videos.ByAuthor through the cache.
func (c *CachedLists) ByAuthor(ctx context.Context, author int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	return c.authors.LoadOne(ctx, author, authorKey{after, limit}, func(ctx context.Context) ([]paging.Pos, error) {
		return c.Videos.ByAuthor(ctx, author, after, limit)
	})
}
