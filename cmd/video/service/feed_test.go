package service_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/douyin-go/douyin/kitex_gen/base"
)

const t0 = int64(1_700_000_000_000) // a publish time in ms

// ids returns the ids of videos in order.
func ids(videos []*base.Video) []int64 {
	out := make([]int64, len(videos))
	for i, v := range videos {
		out[i] = v.Id
	}
	return out
}

func TestFeedLatestZeroMeansNow(t *testing.T) {
	for _, latest := range []int64{0, -1, -1_700_000_000_000} {
		f := newFixture(t, 0, author)
		old := f.videos.add(author, t0)
		before := time.Now().UnixMilli()
		justNow := f.videos.add(author, before) // published in this very millisecond
		f.videos.add(author, before+10*60*1000) // clock skew: "published" in the future
		videos, next, err := f.svc.Feed(context.Background(), 0, latest)
		after := time.Now().UnixMilli()
		if err != nil {
			t.Fatalf("Feed(latest=%d): %v", latest, err)
		}
		ms := f.videos.beforeArgs[0][0]
		if ms <= before || ms > after+1 {
			t.Fatalf("latest=%d: listed before %d, want now (%d..%d]", latest, ms, before, after+1)
		}
		if got, want := ids(videos), []int64{justNow.ID, old.ID}; !reflect.DeepEqual(got, want) {
			t.Fatalf("latest=%d: feed %v, want %v", latest, got, want)
		}
		if next != old.PublishedAt {
			t.Fatalf("latest=%d: next_time %d, want %d", latest, next, old.PublishedAt)
		}
	}
}

func TestFeedStrictlyBefore(t *testing.T) {
	f := newFixture(t, 0, author)
	a := f.videos.add(author, t0-2)
	b := f.videos.add(author, t0-1)
	f.videos.add(author, t0) // exactly latest_time: not shown
	f.videos.add(author, t0+1)
	videos, next, err := f.svc.Feed(context.Background(), 0, t0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(videos), []int64{b.ID, a.ID}; !reflect.DeepEqual(got, want) {
		t.Fatalf("feed %v, want %v (newest first, strictly before %d)", got, want, t0)
	}
	if next != a.PublishedAt {
		t.Fatalf("next_time %d, want %d", next, a.PublishedAt)
	}
	if want := [][2]int64{{t0, 30}}; !reflect.DeepEqual(f.videos.beforeArgs, want) {
		t.Fatalf("Before calls %v, want %v", f.videos.beforeArgs, want)
	}
}

func TestFeedPagesWithNextTime(t *testing.T) {
	tests := []struct {
		name      string
		feedSize  int // 0: the default
		videos    int
		wantPages []int
	}{
		{"default size", 0, 65, []int{30, 30, 5}},
		{"exact multiple", 10, 20, []int{10, 10}},
		{"one page", 30, 3, []int{3}},
		{"size one", 1, 3, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.feedSize, author)
			for i := 0; i < tt.videos; i++ {
				f.videos.add(author, t0+int64(i))
			}
			latest := t0 + 1000
			seen := map[int64]bool{}
			var sizes []int
			prevTime := latest
			for page := 0; ; page++ {
				videos, next, err := f.svc.Feed(context.Background(), 0, latest)
				if err != nil {
					t.Fatal(err)
				}
				if len(videos) == 0 {
					if next != latest {
						t.Fatalf("empty page: next_time %d, want latest_time %d", next, latest)
					}
					if videos == nil {
						t.Fatal("empty page: nil list, want []")
					}
					break
				}
				sizes = append(sizes, len(videos))
				for _, v := range videos {
					at := f.videos.rows[v.Id].PublishedAt
					if seen[v.Id] || at >= prevTime {
						t.Fatalf("page %d: video %d (at %d) repeated or out of order after %d", page, v.Id, at, prevTime)
					}
					seen[v.Id], prevTime = true, at
				}
				if next != prevTime {
					t.Fatalf("page %d: next_time %d, want the oldest returned %d", page, next, prevTime)
				}
				latest = next
				if page > tt.videos {
					t.Fatal("feed does not end")
				}
			}
			if !reflect.DeepEqual(sizes, tt.wantPages) || len(seen) != tt.videos {
				t.Fatalf("pages %v covering %d videos, want %v covering %d", sizes, len(seen), tt.wantPages, tt.videos)
			}
		})
	}
}

func TestFeedEmpty(t *testing.T) {
	f := newFixture(t, 0, author)
	videos, next, err := f.svc.Feed(context.Background(), 5, t0)
	if err != nil {
		t.Fatal(err)
	}
	if videos == nil || len(videos) != 0 || next != t0 {
		t.Fatalf("Feed on nothing = %v, %d; want [], %d", videos, next, t0)
	}
	if len(f.users.Calls()) != 0 || len(f.favs.calls) != 0 {
		t.Fatalf("empty page made RPCs: users %v favorites %v", f.users.Calls(), f.favs.calls)
	}
}

func TestFeedPacksVideos(t *testing.T) {
	const viewer, other, ghost = int64(9), int64(8), int64(404)
	f := newFixture(t, 0, author, other, viewer)
	mine := f.videos.add(author, t0+1)
	theirs := f.videos.add(other, t0+2)
	orphan := f.videos.add(ghost, t0+3) // author missing from the user service
	f.favs.likes[[2]int64{viewer, mine.ID}] = true
	f.favs.likes[[2]int64{other, theirs.ID}] = true // someone else's like
	f.users.Follow(viewer, author)

	t.Run("with a viewer", func(t *testing.T) {
		videos, _, err := f.svc.Feed(context.Background(), viewer, t0+10)
		if err != nil {
			t.Fatal(err)
		}
		want := []*base.Video{
			{Id: orphan.ID, Author: &base.User{Id: ghost}, PlayUrl: mediaBase + orphan.PlayKey, CoverUrl: mediaBase + orphan.CoverKey,
				FavoriteCount: orphan.FavoriteCount, CommentCount: orphan.CommentCount, Title: orphan.Title},
			{Id: theirs.ID, Author: &base.User{Id: other, Name: "user8", WorkCount: other}, PlayUrl: mediaBase + theirs.PlayKey, CoverUrl: mediaBase + theirs.CoverKey,
				FavoriteCount: theirs.FavoriteCount, CommentCount: theirs.CommentCount, Title: theirs.Title},
			{Id: mine.ID, Author: &base.User{Id: author, Name: "user7", WorkCount: author, IsFollow: true}, PlayUrl: mediaBase + mine.PlayKey, CoverUrl: mediaBase + mine.CoverKey,
				FavoriteCount: mine.FavoriteCount, CommentCount: mine.CommentCount, Title: mine.Title, IsFavorite: true},
		}
		if !reflect.DeepEqual(videos, want) {
			t.Fatalf("feed\n got %+v\nwant %+v", videos, want)
		}
		if len(f.favs.calls) != 1 || f.favs.calls[0].Viewer != viewer {
			t.Fatalf("MIsFavorite calls %+v, want one for viewer %d", f.favs.calls, viewer)
		}
		if f.users.Calls()[0].Viewer != viewer {
			t.Fatalf("authors read as viewer %d, want %d", f.users.Calls()[0].Viewer, viewer)
		}
	})
	t.Run("anonymous", func(t *testing.T) {
		f.favs.calls = nil
		f.users.ResetCalls()
		videos, _, err := f.svc.Feed(context.Background(), 0, t0+10)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range videos {
			if v.IsFavorite || v.Author.IsFollow {
				t.Fatalf("anonymous feed shows is_favorite/is_follow: %+v", v)
			}
		}
		if len(videos) != 3 || len(f.favs.calls) != 0 {
			t.Fatalf("%d videos, MIsFavorite calls %+v; want 3 and none", len(videos), f.favs.calls)
		}
	})
}

// However long the page, a feed makes one read of rows, one batch RPC for
// authors and one for is_favorite: no N+1.
func TestFeedBatchesRPCs(t *testing.T) {
	for _, n := range []int{1, 2, 7, 30, 45} {
		f := newFixture(t, 0, 1, 2, 3)
		for i := 0; i < n; i++ {
			f.videos.add(int64(i%3+1), t0+int64(i))
		}
		videos, _, err := f.svc.Feed(context.Background(), 2, t0+1000)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(n, 30); len(videos) != want {
			t.Fatalf("n=%d: %d videos, want %d", n, len(videos), want)
		}
		if f.videos.beforeCalls != 1 || f.videos.byIDsCalls != 1 || len(f.users.Calls()) != 1 || len(f.favs.calls) != 1 {
			t.Fatalf("n=%d: Before %d, ByIDs %d, MGetUsers %d, MIsFavorite %d calls; want 1 each",
				n, f.videos.beforeCalls, f.videos.byIDsCalls, len(f.users.Calls()), len(f.favs.calls))
		}
		authors := map[int64]bool{}
		for _, id := range f.users.Calls()[0].IDs {
			authors[id] = true
		}
		for _, v := range videos {
			if !authors[v.Author.Id] || v.Author.Name == "" {
				t.Fatalf("n=%d: author %d not in the batch %v", n, v.Author.Id, f.users.Calls()[0].IDs)
			}
		}
		if !reflect.DeepEqual(f.favs.calls[0].IDs, ids(videos)) {
			t.Fatalf("n=%d: MIsFavorite ids %v, want the page %v", n, f.favs.calls[0].IDs, ids(videos))
		}
	}
}

func TestFeedErrors(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(f *fixture)
	}{
		{"listing fails", func(f *fixture) { f.videos.beforeErr = errDown }},
		{"rows fail", func(f *fixture) { f.videos.byIDsErr = errDown }},
		{"authors fail", func(f *fixture) { f.users.Err = errDown }},
		{"likes fail", func(f *fixture) { f.favs.err = errDown }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0, author)
			f.videos.add(author, t0)
			tt.breakIt(f)
			videos, _, err := f.svc.Feed(context.Background(), 3, t0+1)
			wantInternal(t, err, errDown)
			if videos != nil {
				t.Fatalf("videos %v on error", videos)
			}
		})
	}
}
