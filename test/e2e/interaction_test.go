package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/douyin-go/douyin/pkg/errno"
)

// interactionE2E drives likes and comments on one published video.
type interactionE2E struct {
	t     *testing.T
	s     *system
	video int64
}

// newInteractionE2E publishes one real video (made with ffmpeg) by author.
func newInteractionE2E(t *testing.T, s *system, author account) *interactionE2E {
	t.Helper()
	data := makeVideo(t, 1)
	mustOK(t, s.multipartForm("/douyin/publish/action/", url.Values{"token": {author.token}, "title": {"liked and commented"}},
		map[string][]byte{"data": data}))
	list := mustOK(t, s.call(http.MethodGet, "/douyin/publish/list/", url.Values{"token": {author.token}, "user_id": {id(author.id)}})).list(t, "video_list")
	if len(list) != 1 {
		t.Fatalf("publish list: %v", list)
	}
	return &interactionE2E{t: t, s: s, video: jsonInt64(list[0]["id"])}
}

func jsonInt64(v any) int64 {
	n, ok := v.(interface{ Int64() (int64, error) })
	if !ok {
		return -1
	}
	i, _ := n.Int64()
	return i
}

func (x *interactionE2E) like(a account, action string) resp {
	return x.s.form(http.MethodPost, "/douyin/favorite/action/", url.Values{"token": {a.token}, "video_id": {id(x.video)}, "action_type": {action}})
}

func (x *interactionE2E) comment(a account, params url.Values) resp {
	params.Set("token", a.token)
	params.Set("video_id", id(x.video))
	return x.s.form(http.MethodPost, "/douyin/comment/action/", params)
}

func (x *interactionE2E) comments(viewer account) []map[string]any {
	x.t.Helper()
	return mustOK(x.t, x.s.call(http.MethodGet, "/douyin/comment/list/", url.Values{"token": {viewer.token}, "video_id": {id(x.video)}})).list(x.t, "comment_list")
}

func (x *interactionE2E) likedBy(viewer account, user int64) []map[string]any {
	x.t.Helper()
	return mustOK(x.t, x.s.call(http.MethodGet, "/douyin/favorite/list/", url.Values{"token": {viewer.token}, "user_id": {id(user)}})).list(x.t, "video_list")
}

// counts reads the video's counters and is_favorite as viewer sees them,
// through the author's publish list.
func (x *interactionE2E) counts(viewer account, author int64) (favorites, comments int64, isFavorite bool) {
	x.t.Helper()
	list := mustOK(x.t, x.s.call(http.MethodGet, "/douyin/publish/list/", url.Values{"token": {viewer.token}, "user_id": {id(author)}})).list(x.t, "video_list")
	if len(list) != 1 {
		x.t.Fatalf("publish list: %v", list)
	}
	return jsonInt64(list[0]["favorite_count"]), jsonInt64(list[0]["comment_count"]), list[0]["is_favorite"] == true
}

func (x *interactionE2E) user(viewer account, of int64) resp {
	x.t.Helper()
	return mustOK(x.t, x.s.call(http.MethodGet, "/douyin/user/", url.Values{"token": {viewer.token}, "user_id": {id(of)}}))
}

func TestFavoriteFlow(t *testing.T) {
	s := newSystem(t)
	author, alice, bob := s.register("author"), s.register("alice"), s.register("bob")
	x := newInteractionE2E(t, s, author)

	if got := x.likedBy(alice, alice.id); len(got) != 0 {
		t.Fatalf("nothing liked yet: %v", got)
	}
	mustOK(t, x.like(alice, "1"))
	mustOK(t, x.like(alice, "1")) // idempotent
	// Counts are exact as soon as the action returned.
	if fav, _, isFav := x.counts(alice, author.id); fav != 1 || !isFav {
		t.Fatalf("after a double like: favorite_count %d is_favorite %v", fav, isFav)
	}
	if fav, _, isFav := x.counts(bob, author.id); fav != 1 || isFav {
		t.Fatalf("seen by bob: favorite_count %d is_favorite %v", fav, isFav)
	}
	if r := x.user(bob, author.id); r.int("user.total_favorited") != 1 {
		t.Fatalf("author: %v", r)
	}
	if r := x.user(bob, alice.id); r.int("user.favorite_count") != 1 {
		t.Fatalf("alice: %v", r)
	}
	liked := x.likedBy(bob, alice.id)
	if len(liked) != 1 || jsonInt64(liked[0]["id"]) != x.video || liked[0]["is_favorite"] != false || jsonInt64(liked[0]["favorite_count"]) != 1 {
		t.Fatalf("alice's likes seen by bob: %v", liked)
	}
	if a, _ := liked[0]["author"].(map[string]any); a == nil || jsonInt64(a["id"]) != author.id {
		t.Fatalf("liked video without its author: %v", liked[0])
	}
	if liked := x.likedBy(alice, alice.id); len(liked) != 1 || liked[0]["is_favorite"] != true {
		t.Fatalf("alice's likes seen by alice: %v", liked)
	}

	mustOK(t, x.like(alice, "2"))
	mustOK(t, x.like(alice, "2")) // unliking what is not liked changes nothing
	mustOK(t, x.like(bob, "2"))
	if fav, _, isFav := x.counts(alice, author.id); fav != 0 || isFav {
		t.Fatalf("after unlike: favorite_count %d is_favorite %v", fav, isFav)
	}
	if r := x.user(bob, author.id); r.int("user.total_favorited") != 0 {
		t.Fatalf("author after unlike: %v", r)
	}
	if got := x.likedBy(alice, alice.id); len(got) != 0 {
		t.Fatalf("nothing liked after unlike: %v", got)
	}
}

func TestCommentFlow(t *testing.T) {
	s := newSystem(t)
	author, alice, bob := s.register("author"), s.register("alice"), s.register("bob")
	x := newInteractionE2E(t, s, author)
	mustOK(t, s.call(http.MethodPost, "/douyin/relation/action/", url.Values{"token": {alice.token}, "to_user_id": {id(bob.id)}, "action_type": {"1"}}))

	if got := x.comments(alice); len(got) != 0 {
		t.Fatalf("no comments yet: %v", got)
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now().In(shanghai).Format("01-02")
	r := mustOK(t, x.comment(bob, url.Values{"action_type": {"1"}, "comment_text": {"  nice video 👍 \n"}}))
	after := time.Now().In(shanghai).Format("01-02")
	bobComment := r.int("comment.id")
	if bobComment <= 0 || r.str("comment.content") != "nice video 👍" || r.int("comment.user.id") != bob.id || r.str("comment.user.name") != bob.name {
		t.Fatalf("new comment: %v", r)
	}
	if d := r.str("comment.create_date"); !regexp.MustCompile(`^\d\d-\d\d$`).MatchString(d) || (d != before && d != after) {
		t.Fatalf("create_date %q, want MM-DD of today in Asia/Shanghai (%s)", d, before)
	}
	aliceComment := mustOK(t, x.comment(alice, url.Values{"action_type": {"1"}, "comment_text": {"thanks"}})).int("comment.id")
	if _, comments, _ := x.counts(author, author.id); comments != 2 {
		t.Fatalf("comment_count %d, want 2", comments)
	}

	list := x.comments(alice)
	if len(list) != 2 || jsonInt64(list[0]["id"]) != aliceComment || jsonInt64(list[1]["id"]) != bobComment {
		t.Fatalf("comments, newest first: %v", list)
	}
	if u, _ := list[1]["user"].(map[string]any); u == nil || u["name"] != bob.name || u["is_follow"] != true {
		t.Fatalf("bob as alice sees him: %v", list[1])
	}
	if u, _ := x.comments(author)[1]["user"].(map[string]any); u == nil || u["is_follow"] != false {
		t.Fatalf("bob as the author sees him: %v", u)
	}

	// Only the author of a comment deletes it.
	mustFail(t, x.comment(alice, url.Values{"action_type": {"2"}, "comment_id": {id(bobComment)}}), int64(errno.CommentNotOwner.Code))
	mustFail(t, x.comment(author, url.Values{"action_type": {"2"}, "comment_id": {id(bobComment)}}), int64(errno.CommentNotOwner.Code))
	if got := x.comments(bob); len(got) != 2 {
		t.Fatalf("a refused delete changed the comments: %v", got)
	}
	r = mustOK(t, x.comment(bob, url.Values{"action_type": {"2"}, "comment_id": {id(bobComment)}}))
	if _, ok := r["comment"]; ok {
		t.Fatalf("a delete returns no comment: %v", r)
	}
	mustFail(t, x.comment(bob, url.Values{"action_type": {"2"}, "comment_id": {id(bobComment)}}), int64(errno.CommentNotExist.Code))
	if _, comments, _ := x.counts(author, author.id); comments != 1 {
		t.Fatalf("comment_count %d after delete, want 1", comments)
	}
	if list := x.comments(bob); len(list) != 1 || jsonInt64(list[0]["id"]) != aliceComment {
		t.Fatalf("comments after delete: %v", list)
	}
}

func TestInteractionBadInput(t *testing.T) {
	s := newSystem(t)
	author, alice := s.register("author"), s.register("alice")
	x := newInteractionE2E(t, s, author)
	video := id(x.video)
	tests := []struct {
		name   string
		path   string
		params url.Values
		want   errno.ErrNo
		msg    string
	}{
		{"favorite without token", "/douyin/favorite/action/", url.Values{"video_id": {video}, "action_type": {"1"}}, errno.TokenMissing, ""},
		{"favorite list without token", "/douyin/favorite/list/", url.Values{"user_id": {id(alice.id)}}, errno.TokenMissing, ""},
		{"comment without token", "/douyin/comment/action/", url.Values{"video_id": {video}, "action_type": {"1"}, "comment_text": {"x"}}, errno.TokenMissing, ""},
		{"comment list with a bad token", "/douyin/comment/list/", url.Values{"video_id": {video}, "token": {"nope"}}, errno.TokenInvalid, ""},
		{"like an unknown video", "/douyin/favorite/action/", url.Values{"video_id": {"987654"}, "action_type": {"1"}, "token": {alice.token}}, errno.VideoNotExist, "video not found"},
		{"unlike an unknown video", "/douyin/favorite/action/", url.Values{"video_id": {"987654"}, "action_type": {"2"}, "token": {alice.token}}, errno.VideoNotExist, ""},
		{"favorite action_type 3", "/douyin/favorite/action/", url.Values{"video_id": {video}, "action_type": {"3"}, "token": {alice.token}}, errno.BadActionType, ""},
		{"favorite without action_type", "/douyin/favorite/action/", url.Values{"video_id": {video}, "token": {alice.token}}, errno.ParamErr, ""},
		{"favorite without video_id", "/douyin/favorite/action/", url.Values{"action_type": {"1"}, "token": {alice.token}}, errno.ParamErr, "video_id is required"},
		{"favorite with video_id abc", "/douyin/favorite/action/", url.Values{"video_id": {"abc"}, "action_type": {"1"}, "token": {alice.token}}, errno.ParamErr, ""},
		{"favorite list of an unknown user", "/douyin/favorite/list/", url.Values{"user_id": {"987654"}, "token": {alice.token}}, errno.UserNotExist, ""},
		{"comment on an unknown video", "/douyin/comment/action/", url.Values{"video_id": {"987654"}, "action_type": {"1"}, "comment_text": {"x"}, "token": {alice.token}}, errno.VideoNotExist, ""},
		{"comment list of an unknown video", "/douyin/comment/list/", url.Values{"video_id": {"987654"}, "token": {alice.token}}, errno.VideoNotExist, ""},
		{"empty comment", "/douyin/comment/action/", url.Values{"video_id": {video}, "action_type": {"1"}, "comment_text": {""}, "token": {alice.token}}, errno.ParamErr, "comment_text must not be empty"},
		{"blank comment", "/douyin/comment/action/", url.Values{"video_id": {video}, "action_type": {"1"}, "comment_text": {" \n\t "}, "token": {alice.token}}, errno.ParamErr, "comment_text must not be empty"},
		{"missing comment_text", "/douyin/comment/action/", url.Values{"video_id": {video}, "action_type": {"1"}, "token": {alice.token}}, errno.ParamErr, "comment_text must not be empty"},
		{"comment with a control character", "/douyin/comment/action/", url.Values{"video_id": {video}, "action_type": {"1"}, "comment_text": {"hi\x00"}, "token": {alice.token}}, errno.ParamErr, "comment_text must not contain control characters"},
		{"comment with invalid UTF-8", "/douyin/comment/action/", url.Values{"video_id": {video}, "action_type": {"1"}, "comment_text": {"hi \xff"}, "token": {alice.token}}, errno.ParamErr, "comment_text must be valid UTF-8 text"},
		{"501-character comment", "/douyin/comment/action/", url.Values{"video_id": {video}, "action_type": {"1"}, "comment_text": {strings.Repeat("长", 501)}, "token": {alice.token}}, errno.ParamErr, "comment_text must be at most 500 characters"},
		{"comment action_type 0", "/douyin/comment/action/", url.Values{"video_id": {video}, "action_type": {"0"}, "token": {alice.token}}, errno.BadActionType, ""},
		{"delete without comment_id", "/douyin/comment/action/", url.Values{"video_id": {video}, "action_type": {"2"}, "token": {alice.token}}, errno.ParamErr, "comment_id is required"},
		{"delete an unknown comment", "/douyin/comment/action/", url.Values{"video_id": {video}, "action_type": {"2"}, "comment_id": {"987654"}, "token": {alice.token}}, errno.CommentNotExist, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustFail(t, s.call(http.MethodPost, tt.path, tt.params), int64(tt.want.Code))
			if tt.msg != "" && r.msg() != tt.msg {
				t.Fatalf("status_msg %q, want %q", r.msg(), tt.msg)
			}
		})
	}
	// Nothing above changed a count.
	if fav, comments, _ := x.counts(alice, author.id); fav != 0 || comments != 0 {
		t.Fatalf("bad input changed counts: favorite_count %d comment_count %d", fav, comments)
	}
	if got := x.comments(alice); len(got) != 0 {
		t.Fatalf("bad input left comments: %v", got)
	}
}

func TestConcurrentLikesCountExactly(t *testing.T) {
	s := newSystem(t)
	author := s.register("author")
	x := newInteractionE2E(t, s, author)
	fans := make([]account, 20)
	for i := range fans {
		fans[i] = s.register(fmt.Sprintf("fan%02d", i))
	}
	var wg sync.WaitGroup
	codes := make(chan int64, 2*len(fans))
	for _, f := range fans {
		wg.Add(2)
		for range 2 { // each fan likes twice at once: still one like each
			go func() {
				defer wg.Done()
				codes <- x.like(f, "1").code()
			}()
		}
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != 0 {
			t.Fatalf("a concurrent like failed with %d", c)
		}
	}
	if fav, _, _ := x.counts(author, author.id); fav != 20 {
		t.Fatalf("favorite_count %d, want 20", fav)
	}
	if r := x.user(author, author.id); r.int("user.total_favorited") != 20 {
		t.Fatalf("total_favorited %d, want 20", r.int("user.total_favorited"))
	}
}
