package service_test

import (
	"context"
	"testing"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
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
		// wantMGet is the ids of the one MGetVideos call, nil for none.
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
			got, err := w.svc.FavoriteList(context.Background(), viewer, tt.user)
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
	got, err := w.svc.FavoriteList(context.Background(), 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "videos", len(got), 200)
	checkEqual(t, "first (most recent)", got[0].Id, int64(200))
	checkEqual(t, "user calls", len(w.users.Calls()), 1)
	checkEqual(t, "queries", w.favorites.likedCalls, 1)
	checkEqual(t, "video calls", len(w.videos.mgetCalls), 1)
}
