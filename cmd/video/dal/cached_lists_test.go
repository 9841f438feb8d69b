package dal

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/douyin-go/douyin/pkg/paging"
)

// Two video-service instances cache the feed and an author's list; a
// publication through one shows at once in the other's pages.
func TestCachedListsSeeEveryPublication(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	one, other := NewCachedLists(e.videos, e.store), NewCachedLists(e.videos, e.store)
	first := e.create(t, 7, "first")
	ids := func(stamps []Stamp) (out []int64) {
		for _, s := range stamps {
			out = append(out, s.ID)
		}
		return out
	}
	head := func(c *CachedLists, ms int64) []int64 {
		stamps, err := c.Before(ctx, ms, 10)
		if err != nil {
			t.Fatal(err)
		}
		return ids(stamps)
	}
	if got := head(one, math.MaxInt64); !reflect.DeepEqual(got, []int64{first.ID}) {
		t.Fatalf("head before: %v", got)
	}
	byAuthor := func(c *CachedLists) int {
		page, err := c.ByAuthor(ctx, 7, paging.Pos{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		return len(page)
	}
	if n := byAuthor(one); n != 1 {
		t.Fatalf("author list before: %d videos", n)
	}
	second := &Video{AuthorID: 7, Title: "second", PlayKey: "videos/s.mp4", CoverKey: "covers/s.jpg", PublishedAt: first.PublishedAt + 5}
	if _, err := other.Create(ctx, second); err != nil {
		t.Fatal(err)
	}
	if got := head(one, math.MaxInt64); !reflect.DeepEqual(got, []int64{second.ID, first.ID}) {
		t.Fatalf("head after a publication elsewhere: %v", got)
	}
	// Any time after the newest video is the head; a time inside the feed
	// is a page of its own.
	if got := head(one, second.PublishedAt+1); !reflect.DeepEqual(got, []int64{second.ID, first.ID}) {
		t.Fatalf("page just after the newest: %v", got)
	}
	if got := head(one, second.PublishedAt); !reflect.DeepEqual(got, []int64{first.ID}) {
		t.Fatalf("page before the newest: %v", got)
	}
	if n := byAuthor(one); n != 2 {
		t.Fatalf("author list after a publication elsewhere: %d videos", n)
	}
}
