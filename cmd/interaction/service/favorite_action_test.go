package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/events"
)

func TestFavoriteAction(t *testing.T) {
	const (
		alice  = int64(1)
		author = int64(7)
		video  = int64(100)
	)
	tests := []struct {
		name    string
		setup   func(w *world)
		user    int64
		video   int64
		action  int32
		wantErr error
		wantMsg string
		// wantLiked is whether alice likes video afterwards.
		wantLiked bool
		// wantEvents is how many events the call wrote.
		wantEvents int
		// wantChange is whether the store was asked to change anything.
		wantChange bool
	}{
		{name: "like", user: alice, video: video, action: 1, wantLiked: true, wantEvents: 1, wantChange: true},
		{name: "like twice counts once", setup: func(w *world) { w.favorites.add(alice, video) },
			user: alice, video: video, action: 1, wantLiked: true, wantEvents: 0, wantChange: true},
		{name: "unlike", setup: func(w *world) { w.favorites.add(alice, video) },
			user: alice, video: video, action: 2, wantLiked: false, wantEvents: 1, wantChange: true},
		{name: "unlike what is not liked changes nothing", user: alice, video: video, action: 2, wantEvents: 0, wantChange: true},
		{name: "action_type 0", user: alice, video: video, action: 0, wantErr: errno.BadActionType},
		{name: "action_type 3", setup: func(w *world) { w.favorites.add(alice, video) },
			user: alice, video: video, action: 3, wantErr: errno.BadActionType, wantLiked: true},
		{name: "unknown video", user: alice, video: 999, action: 1, wantErr: errno.VideoNotExist, wantMsg: "video not found"},
		{name: "unlike of an unknown video", user: alice, video: 999, action: 2, wantErr: errno.VideoNotExist},
		{name: "video_id 0", user: alice, video: 0, action: 1, wantErr: errno.ParamErr},
		{name: "no acting user", user: 0, video: video, action: 1, wantErr: errno.TokenInvalid},
		{name: "video service down", setup: func(w *world) { w.videos.authorsErr = errno.ServiceUnavail },
			user: alice, video: video, action: 1, wantErr: errno.ServiceUnavail},
		{name: "database fails", setup: func(w *world) { w.favorites.changeErr = errBoom },
			user: alice, video: video, action: 1, wantErr: errBoom, wantChange: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			w.videos.add(video, author)
			if tt.setup != nil {
				tt.setup(w)
			}
			before := len(w.favorites.events)
			err := w.svc.FavoriteAction(context.Background(), tt.user, tt.video, tt.action)
			checkErr(t, err, tt.wantErr, tt.wantMsg)

			_, liked := w.favorites.likes[like{alice, video}]
			checkEqual(t, "liked", liked, tt.wantLiked)
			checkEqual(t, "events written", len(w.favorites.events)-before, tt.wantEvents)
			checkEqual(t, "store changed", len(w.favorites.changes) > 0, tt.wantChange)
			if tt.wantChange {
				got := w.favorites.changes[0]
				if got.author != author || got.user != alice || got.video != video {
					t.Fatalf("change %+v: want user %d video %d author %d", got, alice, video, author)
				}
			}
			if tt.wantErr != nil {
				checkEqual(t, "waits after an error", len(w.waiter.Calls()), 0)
				return
			}
			// The action waits for both counter groups, on its own events.
			checkEqual(t, "waits", len(w.waiter.Calls()), 1)
			call := w.waiter.Calls()[0]
			checkEqual(t, "wait groups", call.Groups, []string{events.GroupVideoCounters, events.GroupUserCounters})
			checkEqual(t, "wait timeout", call.Timeout, 3*time.Second)
			checkEqual(t, "waited events", len(call.IDs), tt.wantEvents)
			checkEqual(t, "video-service calls", w.videos.authorsCalls, [][]int64{{video}})
		})
	}
}

func TestFavoriteActionBadActionMakesNoCalls(t *testing.T) {
	w := newWorld()
	w.videos.add(1, 2)
	err := w.svc.FavoriteAction(context.Background(), 5, 1, 9)
	checkErr(t, err, errno.BadActionType, "action_type must be 1 (like) or 2 (unlike)")
	if len(w.videos.authorsCalls) != 0 || len(w.favorites.changes) != 0 {
		t.Fatalf("a bad action_type made calls: videos %v, store %v", w.videos.authorsCalls, w.favorites.changes)
	}
}

// A video's author is asked once: it never changes.
func TestVideoAuthorIsAskedOnce(t *testing.T) {
	w := newWorld()
	w.videos.add(1, 2)
	for _, action := range []int32{1, 2, 1} {
		if err := w.svc.FavoriteAction(context.Background(), 5, 1, action); err != nil {
			t.Fatal(err)
		}
	}
	checkEqual(t, "VideoAuthors calls", len(w.videos.authorsCalls), 1)
	// An unknown video is asked again each time: it may appear.
	for range 2 {
		checkErr(t, w.svc.FavoriteAction(context.Background(), 5, 404, 1), errno.VideoNotExist, "")
	}
	checkEqual(t, "VideoAuthors calls", len(w.videos.authorsCalls), 3)
}
