package dal

import (
	"context"
	"time"

	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/paging"
)

// CachedFavorites keeps, in process, which videos users like, as flags and
// pages are read, each copy valid for one generation of its user: a like
// or unlike bumps the user's generation once it committed, so no instance
// serves an is_favorite or a list from before it.
type CachedFavorites struct {
	*Favorites
	flags *cache.Versioned[int64, bool]
	pages *cache.Versioned[pageKey, []paging.Pos]
}

type pageKey struct {
	after paging.Pos
	limit int
}

// NewCachedFavorites caches f's reads, generations in client.
func NewCachedFavorites(f *Favorites, client *cache.Client) *CachedFavorites {
	return &CachedFavorites{
		Favorites: f,
		flags:     cache.NewVersioned[int64, bool](client, "likes", 200_000),
		pages:     cache.NewVersioned[pageKey, []paging.Pos](client, "likes", 20_000),
	}
}

// Like likes and, when that changed anything, makes user's copies stale.
func (c *CachedFavorites) Like(ctx context.Context, user, video, author int64, at time.Time) ([]string, error) {
	ids, err := c.Favorites.Like(ctx, user, video, author, at)
	return ids, c.flags.BumpAfter(ctx, ids, err, user)
}

// Unlike unlikes and, when that changed anything, makes user's copies stale.
func (c *CachedFavorites) Unlike(ctx context.Context, user, video, author int64) ([]string, error) {
	ids, err := c.Favorites.Unlike(ctx, user, video, author)
	return ids, c.flags.BumpAfter(ctx, ids, err, user)
}

// IsFavorite is Favorites.IsFavorite through the cache.
func (c *CachedFavorites) IsFavorite(ctx context.Context, user int64, videos []int64) (map[int64]bool, error) {
	if user <= 0 {
		return map[int64]bool{}, nil
	}
	flags, err := c.flags.Load(ctx, user, videos, func(ctx context.Context, missed []int64) (map[int64]bool, error) {
		return c.Favorites.IsFavorite(ctx, user, missed)
	})
	for id, yes := range flags {
		if !yes {
			delete(flags, id)
		}
	}
	return flags, err
}

// LikedVideos is Favorites.LikedVideos through the cache.
func (c *CachedFavorites) LikedVideos(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	return c.pages.LoadOne(ctx, user, pageKey{after, limit}, func(ctx context.Context) ([]paging.Pos, error) {
		return c.Favorites.LikedVideos(ctx, user, after, limit)
	})
}

// CachedComments keeps pages of each video's comments in process, valid
// for one generation of the video, bumped by every post and delete once it
// committed.
type CachedComments struct {
	*Comments
	pages *cache.Versioned[pageKey, []Comment]
}

// NewCachedComments caches c's pages, generations in client.
func NewCachedComments(c *Comments, client *cache.Client) *CachedComments {
	return &CachedComments{Comments: c, pages: cache.NewVersioned[pageKey, []Comment](client, "comments", 20_000)}
}

// Create posts c and makes its video's pages stale.
func (c *CachedComments) Create(ctx context.Context, cm *Comment) ([]string, error) {
	ids, err := c.Comments.Create(ctx, cm)
	return ids, c.pages.BumpAfter(ctx, ids, err, cm.VideoID)
}

// Delete removes the comment and, when it was there, makes video's pages
// stale.
func (c *CachedComments) Delete(ctx context.Context, id, user, video int64) ([]string, error) {
	ids, err := c.Comments.Delete(ctx, id, user, video)
	return ids, c.pages.BumpAfter(ctx, ids, err, video)
}

// OfVideo is Comments.OfVideo through the cache.
func (c *CachedComments) OfVideo(ctx context.Context, video int64, after paging.Pos, limit int) ([]Comment, error) {
	return c.pages.LoadOne(ctx, video, pageKey{after, limit}, func(ctx context.Context) ([]Comment, error) {
		return c.Comments.OfVideo(ctx, video, after, limit)
	})
}
