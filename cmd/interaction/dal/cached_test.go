package dal

import (
	"context"
	"testing"
	"time"

	"github.com/douyin-go/douyin/pkg/paging"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// Two interaction instances cache likes and comment pages; a change
// through one is seen at once by the other.
func TestCachedInteractionsSeeEveryInstancesChanges(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	client := testutil.Cache(t)
	favA, favB := NewCachedFavorites(s.favorites, client), NewCachedFavorites(s.favorites, client)
	comA, comB := NewCachedComments(s.comments, client), NewCachedComments(s.comments, client)
	read := func() (bool, int, int) {
		flags, err := favA.IsFavorite(ctx, 1, []int64{10})
		noErr(t, err)
		liked, err := favA.LikedVideos(ctx, 1, paging.Pos{}, 10)
		noErr(t, err)
		comments, err := comA.OfVideo(ctx, 10, paging.Pos{}, 10)
		noErr(t, err)
		return flags[10], len(liked), len(comments)
	}
	if f, l, c := read(); f || l != 0 || c != 0 {
		t.Fatalf("before: is_favorite %v, %d liked, %d comments", f, l, c)
	}
	_, err := favB.Like(ctx, 1, 10, 7, time.Now())
	noErr(t, err)
	_, err = comB.Create(ctx, &Comment{VideoID: 10, UserID: 1, Content: "hi", CreatedAt: time.Now()})
	noErr(t, err)
	if f, l, c := read(); !f || l != 1 || c != 1 {
		t.Fatalf("after changes elsewhere: is_favorite %v, %d liked, %d comments", f, l, c)
	}
	_, err = favB.Unlike(ctx, 1, 10, 7)
	noErr(t, err)
	if f, l, _ := read(); f || l != 0 {
		t.Fatalf("after an unlike elsewhere: is_favorite %v, %d liked", f, l)
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
