package service_test

import (
	"context"
	"testing"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/paging"
)

func videoIDs(vs []*base.Video) []int64 {
	ids := []int64{}
	for _, v := range vs {
		ids = append(ids, v.Id)
	}
	return ids
}

func TestFavoriteList(t *testing.T) {
	const (
		viewer = int64(1)
		owner  = int64(2)
	)
	tests := []struct {
		name    string
		setup   func(w *world)
		user    int64
		wantErr error
		want    []int64
		// wantMGet is the ids of the one MGetVideosWithoutLikes call, nil
		// for none.
		wantMGet []int64
	}{
		{name: "no likes is an empty list without a video call", user: owner, want: []int64{}},
		{name: "most recently liked first", setup: func(w *world) { w.favorites.add(owner, 30, 10, 20) },
			user: owner, want: []int64{20, 10, 30}, wantMGet: []int64{20, 10, 30}},
		{name: "order kept whatever order the video service answers in", setup: func(w *world) {
			w.favorites.add(owner, 30, 10, 20)
			w.videos.scramble = true
		}, user: owner, want: []int64{20, 10, 30}, wantMGet: []int64{20, 10, 30}},
		{name: "a video that is gone is left out", setup: func(w *world) { w.favorites.add(owner, 10, 404, 20) },
			user: owner, want: []int64{20, 10}, wantMGet: []int64{20, 404, 10}},
		{name: "other users' likes are not listed", setup: func(w *world) {
			w.favorites.add(owner, 10)
			w.favorites.add(viewer, 20)
		}, user: owner, want: []int64{10}, wantMGet: []int64{10}},
		{name: "unknown user", user: 999, wantErr: errno.UserNotExist},
		{name: "user_id 0", user: 0, wantErr: errno.ParamErr},
		{name: "user service down", setup: func(w *world) { w.users.Err = errno.ServiceUnavail }, user: owner, wantErr: errno.ServiceUnavail},
		{name: "database fails", setup: func(w *world) { w.favorites.readErr = errBoom }, user: owner, wantErr: errBoom},
		{name: "video service fails", setup: func(w *world) {
			w.favorites.add(owner, 10)
			w.videos.mgetErr = errno.ServiceUnavail
		}, user: owner, wantErr: errno.ServiceUnavail, wantMGet: []int64{10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			w.users.Add(viewer, "viewer")
			w.users.Add(owner, "owner")
			for _, v := range []int64{10, 20, 30} {
				w.videos.add(v, 50)
			}
			if tt.setup != nil {
				tt.setup(w)
			}
			got, err := firstVideos(w.svc.FavoriteList(context.Background(), viewer, tt.user, nil))
			checkErr(t, err, tt.wantErr, "")
			if tt.wantErr == nil {
				if got == nil {
					t.Fatal("list is nil, want []")
				}
				checkEqual(t, "videos", videoIDs(got), tt.want)
			}
			if tt.wantMGet == nil {
				checkEqual(t, "MGetVideos calls", len(w.videos.mgetCalls), 0)
			} else {
				checkEqual(t, "MGetVideos calls", w.videos.mgetCalls, []mgetCall{{viewer, tt.wantMGet}})
			}
		})
	}
}

// is_favorite is the viewer's own likes, read by this service (which owns
// them), not the list owner's.
func TestFavoriteListShowsTheViewersLikes(t *testing.T) {
	const viewer, owner = int64(1), int64(2)
	w := newWorld()
	w.users.Add(viewer, "viewer")
	w.users.Add(owner, "owner")
	for _, v := range []int64{10, 20, 30} {
		w.videos.add(v, 50)
	}
	w.favorites.add(owner, 10, 20, 30)
	w.favorites.add(viewer, 20)
	got, err := firstVideos(w.svc.FavoriteList(context.Background(), viewer, owner, nil))
	if err != nil {
		t.Fatal(err)
	}
	liked := map[int64]bool{}
	for _, v := range got {
		liked[v.Id] = v.IsFavorite
	}
	checkEqual(t, "is_favorite", liked, map[int64]bool{10: false, 20: true, 30: false})
	mine, err := firstVideos(w.svc.FavoriteList(context.Background(), owner, owner, nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range mine {
		if !v.IsFavorite {
			t.Fatalf("the owner's own list: video %d not shown as liked", v.Id)
		}
	}
}

// The list makes one user call, one query and one video call, however
// many videos are liked.
func TestFavoriteListIsNotNPlusOne(t *testing.T) {
	w := newWorld()
	w.users.Add(1, "viewer")
	w.users.Add(2, "owner")
	for v := int64(1); v <= 200; v++ {
		w.videos.add(v, 3)
		w.favorites.add(2, v)
	}
	got, err := firstVideos(w.svc.FavoriteList(context.Background(), 1, 2, &base.Page{Count: paging.Max}))
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "videos", len(got), 200)
	checkEqual(t, "first (most recent)", got[0].Id, int64(200))
	checkEqual(t, "user calls", len(w.users.Calls()), 1)
	checkEqual(t, "queries", w.favorites.likedCalls, 1)
	checkEqual(t, "video calls", len(w.videos.mgetCalls), 1)
}

// Lists come a page at a time; following next_cursor visits each liked
// video and each comment once, newest first.
func TestInteractionListsPage(t *testing.T) {
	w := newWorld()
	w.users.Add(1, "viewer")
	w.users.Add(2, "owner")
	for v := int64(1); v <= 7; v++ {
		w.videos.add(v, 3)
		w.favorites.add(2, v)
		w.comments.add(1, 5, "c")
	}
	walk := func(list func(page *base.Page) ([]int64, *base.PageInfo, error)) []int64 {
		var seen []int64
		page := &base.Page{Count: 3}
		for range 5 {
			ids, info, err := list(page)
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, ids...)
			if !info.HasMore {
				return seen
			}
			page = &base.Page{Count: 3, Cursor: info.NextCursor}
		}
		t.Fatalf("more pages than items: %v", seen)
		return nil
	}
	videos := walk(func(page *base.Page) ([]int64, *base.PageInfo, error) {
		got, info, err := w.svc.FavoriteList(context.Background(), 1, 2, page)
		var ids []int64
		for _, v := range got {
			ids = append(ids, v.Id)
		}
		return ids, info, err
	})
	checkEqual(t, "liked videos, newest first, each once", videos, []int64{7, 6, 5, 4, 3, 2, 1})
	comments := walk(func(page *base.Page) ([]int64, *base.PageInfo, error) {
		got, info, err := w.svc.CommentList(context.Background(), 1, 5, page)
		var ids []int64
		for _, c := range got {
			ids = append(ids, c.Id)
		}
		return ids, info, err
	})
	checkEqual(t, "comments, newest first, each once", comments, []int64{7, 6, 5, 4, 3, 2, 1})
}
