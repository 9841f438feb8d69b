package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/douyin-go/douyin/cmd/interaction/service"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/testutil/fakes"
)

const (
	poster = int64(1)
	other  = int64(2)
	video  = int64(100)
	video2 = int64(200)
)

func commentWorld() *world {
	w := newWorld()
	w.users.Add(poster, "poster")
	w.users.Add(other, "other")
	w.videos.add(video, 9)
	w.videos.add(video2, 9)
	return w
}

func TestCommentPost(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(w *world)
		user    int64
		video   int64
		text    string
		wantErr error
		wantMsg string
		// wantContent is what is stored and returned on success.
		wantContent string
	}{
		{name: "post", user: poster, video: video, text: "nice video", wantContent: "nice video"},
		{name: "text is trimmed", user: poster, video: video, text: " \t nice \n video \r\n", wantContent: "nice \n video"},
		{name: "emoji and CJK kept", user: poster, video: video, text: "好看 👍", wantContent: "好看 👍"},
		{name: "500 characters", user: poster, video: video, text: strings.Repeat("视", 500), wantContent: strings.Repeat("视", 500)},
		{name: "500 characters once trimmed", user: poster, video: video, text: "  " + strings.Repeat("a", 500) + "  ", wantContent: strings.Repeat("a", 500)},
		{name: "501 characters", user: poster, video: video, text: strings.Repeat("视", 501),
			wantErr: errno.ParamErr, wantMsg: "comment_text must be at most 500 characters"},
		{name: "empty", user: poster, video: video, text: "", wantErr: errno.ParamErr, wantMsg: "comment_text must not be empty"},
		{name: "only whitespace", user: poster, video: video, text: " \t\n\u3000 ", wantErr: errno.ParamErr, wantMsg: "comment_text must not be empty"},
		{name: "invalid UTF-8", user: poster, video: video, text: "ok \xff", wantErr: errno.ParamErr},
		{name: "control character", user: poster, video: video, text: "ok \x00", wantErr: errno.ParamErr, wantMsg: "comment_text must not contain control characters"},
		{name: "sensitive words masked", user: poster, video: video, text: "what a Shit video", wantContent: "what a **** video"},
		{name: "unknown video", user: poster, video: 999, text: "hi", wantErr: errno.VideoNotExist},
		{name: "video_id 0", user: poster, video: 0, text: "hi", wantErr: errno.ParamErr},
		{name: "no acting user", user: 0, video: video, text: "hi", wantErr: errno.TokenInvalid},
		{name: "poster no longer exists", user: 77, video: video, text: "hi", wantErr: errno.TokenInvalid},
		{name: "video service down", setup: func(w *world) { w.videos.authorsErr = errno.ServiceUnavail },
			user: poster, video: video, text: "hi", wantErr: errno.ServiceUnavail},
		{name: "user service down", setup: func(w *world) { w.users.Err = errno.ServiceUnavail },
			user: poster, video: video, text: "hi", wantErr: errno.ServiceUnavail},
		{name: "database fails", setup: func(w *world) { w.comments.createErr = errBoom },
			user: poster, video: video, text: "hi", wantErr: errBoom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := commentWorld()
			if tt.setup != nil {
				tt.setup(w)
			}
			got, err := w.svc.CommentAction(context.Background(), tt.user, tt.video, 1, tt.text, 0)
			checkErr(t, err, tt.wantErr, tt.wantMsg)
			if tt.wantErr != nil {
				if got != nil || len(w.comments.rows) != 0 || len(w.waiter.Calls()) != 0 {
					t.Fatalf("failed post left something: comment %v, rows %v, waits %v", got, w.comments.rows, w.waiter.Calls())
				}
				return
			}
			stored := w.comments.rows[got.Id]
			checkEqual(t, "stored content", stored.Content, tt.wantContent)
			checkEqual(t, "stored author", stored.UserID, poster)
			checkEqual(t, "stored video", stored.VideoID, video)
			checkEqual(t, "returned content", got.Content, tt.wantContent)
			if got.User == nil || got.User.Id != poster || got.User.Name != "poster" {
				t.Fatalf("returned user %+v", got.User)
			}
			// 16:30 UTC on 31 March is 00:30 on 1 April in Shanghai.
			checkEqual(t, "create_date", got.CreateDate, "04-01")
			checkEqual(t, "author looked up as the poster sees themself", w.users.Calls(), []fakes.UsersCall{{Viewer: poster, IDs: []int64{poster}}})
			checkEqual(t, "waits", w.waiter.Calls(), []fakes.WaitCall{{Timeout: 3 * time.Second, IDs: []string{"com-1"}, Groups: []string{events.GroupVideoCounters}}})
		})
	}
}

// Parameters are checked before any call is made.
func TestCommentPostBadTextMakesNoCalls(t *testing.T) {
	w := commentWorld()
	_, err := w.svc.CommentAction(context.Background(), poster, 999, 1, "   ", 0)
	checkErr(t, err, errno.ParamErr, "comment_text must not be empty")
	if len(w.videos.authorsCalls) != 0 || len(w.users.Calls()) != 0 {
		t.Fatalf("calls made: videos %v users %v", w.videos.authorsCalls, w.users.Calls())
	}
}

func TestCommentDateUsesTheConfiguredZone(t *testing.T) {
	for _, tt := range []struct {
		loc  *time.Location
		want string
	}{{shanghai, "04-01"}, {time.UTC, "03-31"}, {nil, "03-31"}} {
		w := commentWorld()
		svc := service.New(service.Deps{
			Favorites: w.favorites, Comments: w.comments, Videos: w.videos, Users: w.users, Applied: w.waiter,
			Clock: func() time.Time { return clock },
		}, service.Options{Location: tt.loc})
		got, err := svc.CommentAction(context.Background(), poster, video, 1, "hi", 0)
		if err != nil {
			t.Fatal(err)
		}
		checkEqual(t, "create_date in "+tt.loc.String(), got.CreateDate, tt.want)
	}
}

func TestCommentDelete(t *testing.T) {
	tests := []struct {
		name  string
		setup func(w *world)
		user  int64
		video int64
		// comment is the id to delete; 0 means the poster's comment on video.
		comment int64
		wantErr error
		// wantGone is whether the poster's comment is deleted afterwards.
		wantGone bool
		// wantDeleteCall is whether the store was asked to delete.
		wantDeleteCall bool
		wantEvents     int
	}{
		{name: "the author deletes", user: poster, video: video, wantGone: true, wantDeleteCall: true, wantEvents: 1},
		{name: "someone else cannot", user: other, video: video, wantErr: errno.CommentNotOwner},
		{name: "unknown comment", user: poster, video: video, comment: 999, wantErr: errno.CommentNotExist},
		{name: "comment of another video", user: poster, video: video2, wantErr: errno.CommentNotExist},
		{name: "unknown video", user: poster, video: 999, wantErr: errno.VideoNotExist},
		{name: "comment_id missing", user: poster, video: video, comment: -1, wantErr: errno.ParamErr},
		{name: "no acting user", user: 0, video: video, wantErr: errno.TokenInvalid},
		{name: "deleted meanwhile by its author is success", setup: func(w *world) { w.comments.vanish = true },
			user: poster, video: video, wantDeleteCall: true, wantEvents: 0},
		{name: "database fails on lookup", setup: func(w *world) { w.comments.byIDErr = errBoom },
			user: poster, video: video, wantErr: errBoom},
		{name: "database fails on delete", setup: func(w *world) { w.comments.deleteErr = errBoom },
			user: poster, video: video, wantErr: errBoom, wantDeleteCall: true},
		{name: "video service down", setup: func(w *world) { w.videos.authorsErr = errno.ServiceUnavail },
			user: poster, video: video, wantErr: errno.ServiceUnavail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := commentWorld()
			id := w.comments.add(poster, video, "mine")
			w.comments.add(other, video, "theirs")
			if tt.setup != nil {
				tt.setup(w)
			}
			target := id
			switch {
			case tt.comment > 0:
				target = tt.comment
			case tt.comment < 0:
				target = 0
			}
			got, err := w.svc.CommentAction(context.Background(), tt.user, tt.video, 2, "", target)
			checkErr(t, err, tt.wantErr, "")
			if got != nil {
				t.Fatalf("delete returned a comment: %v", got)
			}
			_, still := w.comments.rows[id]
			checkEqual(t, "comment gone", !still, tt.wantGone)
			checkEqual(t, "other comment kept", len(w.comments.rows) >= 1, true)
			checkEqual(t, "store asked to delete", len(w.comments.deletes) > 0, tt.wantDeleteCall)
			if tt.wantDeleteCall {
				// The delete is scoped to the acting user, never just the id.
				checkEqual(t, "delete scope", w.comments.deletes[0], [3]int64{id, tt.user, tt.video})
			}
			if tt.wantErr != nil {
				checkEqual(t, "waits after an error", len(w.waiter.Calls()), 0)
				return
			}
			checkEqual(t, "waits", len(w.waiter.Calls()), 1)
			checkEqual(t, "waited events", len(w.waiter.Calls()[0].IDs), tt.wantEvents)
			checkEqual(t, "wait groups", w.waiter.Calls()[0].Groups, []string{events.GroupVideoCounters})
		})
	}
}

// The video is checked before the comment: deleting on an unknown video
// never looks the comment up.
func TestCommentDeleteChecksVideoFirst(t *testing.T) {
	w := commentWorld()
	id := w.comments.add(other, video, "theirs")
	_, err := w.svc.CommentAction(context.Background(), poster, 999, 2, "", id)
	checkErr(t, err, errno.VideoNotExist, "")
	checkEqual(t, "comment lookups", w.comments.byIDCalls, 0)
}

func TestCommentActionBadActionType(t *testing.T) {
	for _, action := range []int32{0, 3, -1} {
		w := commentWorld()
		_, err := w.svc.CommentAction(context.Background(), poster, video, action, "hi", 1)
		checkErr(t, err, errno.BadActionType, "action_type must be 1 (post) or 2 (delete)")
		if len(w.videos.authorsCalls) != 0 || len(w.comments.rows) != 0 {
			t.Fatalf("action %d made calls or rows", action)
		}
	}
}
