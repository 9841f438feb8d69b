package service_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/paging"
	"github.com/douyin-go/douyin/pkg/testutil/fakes"
)

func commentIDs(cs []*base.Comment) []int64 {
	ids := []int64{}
	for _, c := range cs {
		ids = append(ids, c.Id)
	}
	return ids
}

func TestCommentList(t *testing.T) {
	const viewer = int64(3)
	tests := []struct {
		name    string
		setup   func(w *world) []int64 // returns the expected ids
		video   int64
		wantErr error
		// wantUserCall is the ids of the one MGetUsers call, nil for none.
		wantUserCall []int64
	}{
		{name: "no comments is an empty list without a user call", video: video,
			setup: func(w *world) []int64 { w.comments.add(poster, video2, "elsewhere"); return []int64{} }},
		{name: "newest first, authors fetched once", video: video, wantUserCall: []int64{poster, other},
			setup: func(w *world) []int64 {
				a := w.comments.add(poster, video, "first")
				b := w.comments.add(other, video, "second")
				c := w.comments.add(poster, video, "third")
				w.comments.add(other, video2, "elsewhere")
				return []int64{c, b, a}
			}},
		{name: "a comment whose author is gone is left out", video: video, wantUserCall: []int64{77, poster},
			setup: func(w *world) []int64 {
				a := w.comments.add(poster, video, "kept")
				w.comments.add(77, video, "ghost")
				return []int64{a}
			}},
		{name: "unknown video", video: 999, wantErr: errno.VideoNotExist},
		{name: "video_id 0", video: 0, wantErr: errno.ParamErr},
		{name: "database fails", video: video, wantErr: errBoom,
			setup: func(w *world) []int64 { w.comments.listErr = errBoom; return nil }},
		{name: "user service down", video: video, wantErr: errno.ServiceUnavail, wantUserCall: []int64{poster},
			setup: func(w *world) []int64 {
				w.comments.add(poster, video, "x")
				w.users.Err = errno.ServiceUnavail
				return nil
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := commentWorld()
			w.users.Follow(viewer, other)
			var want []int64
			if tt.setup != nil {
				want = tt.setup(w)
			}
			got, err := firstComments(w.svc.CommentList(context.Background(), viewer, tt.video, nil))
			checkErr(t, err, tt.wantErr, "")
			if tt.wantErr == nil {
				if got == nil {
					t.Fatal("list is nil, want []")
				}
				checkEqual(t, "comments", commentIDs(got), want)
				for _, c := range got {
					if c.User == nil {
						t.Fatalf("comment %d has no user", c.Id)
					}
					// is_follow is relative to the viewer.
					checkEqual(t, fmt.Sprintf("is_follow of %d", c.User.Id), c.User.IsFollow, c.User.Id == other)
					checkEqual(t, "create_date", c.CreateDate, "04-01")
					checkEqual(t, "content", c.Content, w.comments.rows[c.Id].Content)
				}
			}
			if tt.wantUserCall == nil {
				checkEqual(t, "user calls", len(w.users.Calls()), 0)
			} else {
				checkEqual(t, "user calls", w.users.Calls(), []fakes.UsersCall{{Viewer: viewer, IDs: tt.wantUserCall}})
			}
		})
	}
}

// The list makes one video call, one query and one user call, however
// many comments there are.
func TestCommentListIsNotNPlusOne(t *testing.T) {
	w := commentWorld()
	for i := 0; i < 300; i++ {
		u := int64(1000 + i%10)
		w.users.Add(u, fmt.Sprint("u", u))
		w.comments.add(u, video, fmt.Sprint("comment ", i))
	}
	got, err := firstComments(w.svc.CommentList(context.Background(), poster, video, &base.Page{Count: paging.Max}))
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "comments", len(got), 300)
	checkEqual(t, "video calls", len(w.videos.authorsCalls), 1)
	checkEqual(t, "queries", w.comments.listCalls, 1)
	checkEqual(t, "user calls", len(w.users.Calls()), 1)
	checkEqual(t, "distinct users asked for", len(w.users.Calls()[0].IDs), 10)
}
