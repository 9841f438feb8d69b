package service_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
)

func TestPublishListErrors(t *testing.T) {
	tests := []struct {
		name string
		user int64
		want errno.ErrNo
	}{
		{"zero user", 0, errno.ParamErr},
		{"negative user", -3, errno.ParamErr},
		{"unknown user", 404, errno.UserNotExist},
	}
	// A page of videos whose author the user service does not know (its
	// database out of step) is refused as before.
	t.Run("videos of an unknown author", func(t *testing.T) {
		f := newFixture(t, 0, author)
		f.videos.add(404, t0)
		_, err := firstPage(f.svc.PublishList(context.Background(), author, 404, nil))
		wantErrNo(t, err, errno.UserNotExist)
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0, author)
			f.videos.add(author, t0)
			videos, err := firstPage(f.svc.PublishList(context.Background(), author, tt.user, nil))
			wantErrNo(t, err, tt.want)
			if videos != nil {
				t.Fatalf("videos %v on error", videos)
			}
		})
	}
	t.Run("user service down", func(t *testing.T) {
		f := newFixture(t, 0, author)
		f.users.Err = errDown
		_, err := firstPage(f.svc.PublishList(context.Background(), 0, author, nil))
		wantInternal(t, err, errDown)
	})
	t.Run("listing fails", func(t *testing.T) {
		f := newFixture(t, 0, author)
		f.videos.byAuthorErr = errDown
		_, err := firstPage(f.svc.PublishList(context.Background(), 0, author, nil))
		wantInternal(t, err, errDown)
	})
}

func TestPublishListNewestFirst(t *testing.T) {
	const other, viewer = int64(8), int64(9)
	f := newFixture(t, 0, author, other, viewer)
	a := f.videos.add(author, t0+1)
	f.videos.add(other, t0+2)
	b := f.videos.add(author, t0+5)
	c := f.videos.add(author, t0+3)
	f.favs.likes[[2]int64{viewer, c.ID}] = true

	videos, err := firstPage(f.svc.PublishList(context.Background(), viewer, author, nil))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(videos), []int64{b.ID, c.ID, a.ID}; !reflect.DeepEqual(got, want) {
		t.Fatalf("publish list %v, want %v (the author's only, newest first)", got, want)
	}
	for _, v := range videos {
		if v.Author.Id != author || v.IsFavorite != (v.Id == c.ID) {
			t.Fatalf("video %+v: wrong author or is_favorite", v)
		}
	}

	t.Run("no videos is an empty list", func(t *testing.T) {
		videos, err := firstPage(f.svc.PublishList(context.Background(), 0, viewer, nil))
		if err != nil || videos == nil || len(videos) != 0 {
			t.Fatalf("PublishList = %v, %v; want [], nil", videos, err)
		}
	})
}

func TestPublishListBatchesRPCs(t *testing.T) {
	var calls []int
	for _, n := range []int{1, 25} {
		f := newFixture(t, 0, author)
		for i := 0; i < n; i++ {
			f.videos.add(author, t0+int64(i))
		}
		videos, err := firstPage(f.svc.PublishList(context.Background(), author, author, nil))
		if err != nil || len(videos) != n {
			t.Fatalf("n=%d: %d videos, %v", n, len(videos), err)
		}
		if f.videos.byIDsCalls != 1 || len(f.favs.calls) != 1 {
			t.Fatalf("n=%d: ByIDs %d, MIsFavorite %d calls; want 1 each", n, f.videos.byIDsCalls, len(f.favs.calls))
		}
		calls = append(calls, len(f.users.Calls()))
	}
	// The authors' read also proves the user exists: one call.
	if calls[0] != 1 || calls[1] != 1 {
		t.Fatalf("MGetUsers calls for 1 and 25 videos: %v; want 1 each", calls)
	}
}

func TestMGetVideos(t *testing.T) {
	const viewer = int64(9)
	f := newFixture(t, 0, author)
	v1 := f.videos.add(author, t0+1)
	v2 := f.videos.add(author, t0+2)
	v3 := f.videos.add(author, t0+3)
	f.favs.likes[[2]int64{viewer, v2.ID}] = true
	tests := []struct {
		name string
		ids  []int64
		want []int64
	}{
		{"order of the request kept", []int64{v2.ID, v3.ID, v1.ID}, []int64{v2.ID, v3.ID, v1.ID}},
		{"unknown ids dropped", []int64{999, v3.ID, 1000, v1.ID}, []int64{v3.ID, v1.ID}},
		{"duplicates and non-positive ids dropped", []int64{v1.ID, 0, v1.ID, -v2.ID, v2.ID}, []int64{v1.ID, v2.ID}},
		{"nothing known", []int64{999}, []int64{}},
		{"empty", nil, []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			videos, err := f.svc.MGetVideos(context.Background(), viewer, tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			if videos == nil || !reflect.DeepEqual(ids(videos), tt.want) {
				t.Fatalf("MGetVideos(%v) = %v, want %v", tt.ids, ids(videos), tt.want)
			}
			for _, v := range videos {
				if v.IsFavorite != (v.Id == v2.ID) {
					t.Fatalf("video %d is_favorite %v", v.Id, v.IsFavorite)
				}
			}
		})
	}
	t.Run("error", func(t *testing.T) {
		f.videos.byIDsErr = errDown
		defer func() { f.videos.byIDsErr = nil }()
		_, err := f.svc.MGetVideos(context.Background(), viewer, []int64{v1.ID})
		wantInternal(t, err, errDown)
	})
}

// Without likes, the interaction service (which asks so) is not called
// back, and is_favorite stays false for it to fill.
func TestMGetVideosWithoutLikes(t *testing.T) {
	const viewer = int64(9)
	f := newFixture(t, 0, author)
	v1 := f.videos.add(author, t0+1)
	f.favs.likes[[2]int64{viewer, v1.ID}] = true
	videos, err := f.svc.MGetVideosWithoutLikes(context.Background(), viewer, []int64{v1.ID})
	if err != nil || len(videos) != 1 || videos[0].IsFavorite || videos[0].Author.Id != author {
		t.Fatalf("MGetVideosWithoutLikes = %+v, %v", videos, err)
	}
	if len(f.favs.calls) != 0 {
		t.Fatalf("the interaction service was called back %d times", len(f.favs.calls))
	}
}

func TestVideoAuthors(t *testing.T) {
	f := newFixture(t, 0)
	v1 := f.videos.add(11, t0+1)
	v2 := f.videos.add(12, t0+2)
	tests := []struct {
		name string
		ids  []int64
		want map[int64]int64
	}{
		{"known", []int64{v1.ID, v2.ID}, map[int64]int64{v1.ID: 11, v2.ID: 12}},
		{"unknown dropped", []int64{v2.ID, 999, 0, -1}, map[int64]int64{v2.ID: 12}},
		{"none", nil, map[int64]int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.svc.VideoAuthors(context.Background(), tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("VideoAuthors(%v) = %v, want %v", tt.ids, got, tt.want)
			}
		})
	}
	t.Run("error", func(t *testing.T) {
		f.videos.byIDsErr = errDown
		_, err := f.svc.VideoAuthors(context.Background(), []int64{v1.ID})
		wantInternal(t, err, errDown)
	})
}

// firstPage drops the page info of a list answer.
func firstPage(videos []*base.Video, _ *base.PageInfo, err error) ([]*base.Video, error) {
	return videos, err
}
