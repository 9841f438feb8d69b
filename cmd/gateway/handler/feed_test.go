package handler_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"testing"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/video"
	"github.com/douyin-go/douyin/pkg/errno"
)

// feedRequest is how a client may send the feed's parameters.
type feedRequest struct {
	query     url.Values
	form      url.Values // sent as an urlencoded body (with GET, as some clients do)
	multipart []part     // sent as a multipart body instead
}

func (g *gateway) feed(t *testing.T, r feedRequest) (status, map[string]json.RawMessage) {
	t.Helper()
	u := g.base + "/douyin/feed/"
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	body, contentType := []byte(nil), ""
	switch {
	case r.form != nil:
		body, contentType = []byte(r.form.Encode()), "application/x-www-form-urlencoded"
	case r.multipart != nil:
		body, contentType = form(t, r.multipart...)
	}
	req, err := http.NewRequest(http.MethodGet, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	return decode(t, resp, &fields), fields
}

func (f *fakeVideoClient) feeds() []*video.FeedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*video.FeedRequest(nil), f.feedReqs...)
}

func TestFeedParameters(t *testing.T) {
	g := startGateway(t, newMemStore(), uploadLimit)
	tok := g.token(t, userID)
	other := g.token(t, otherUserID)
	tests := []struct {
		name       string
		req        feedRequest
		wantLatest int64
		wantViewer int64
	}{
		{"nothing", feedRequest{}, 0, 0},
		{"latest_time 0 means now", feedRequest{query: url.Values{"latest_time": {"0"}}}, 0, 0},
		{"empty latest_time", feedRequest{query: url.Values{"latest_time": {""}}}, 0, 0},
		{"negative latest_time", feedRequest{query: url.Values{"latest_time": {"-5"}}}, 0, 0},
		{"milliseconds", feedRequest{query: url.Values{"latest_time": {"1700000000123"}}}, 1_700_000_000_123, 0},
		{"seconds", feedRequest{query: url.Values{"latest_time": {"1700000000"}}}, 1_700_000_000_000, 0},
		{"spaces around", feedRequest{query: url.Values{"latest_time": {" 1700000000 "}}}, 1_700_000_000_000, 0},
		{"in a form body", feedRequest{form: url.Values{"latest_time": {"1700000000"}}}, 1_700_000_000_000, 0},
		{"in a multipart body", feedRequest{multipart: []part{field("latest_time", "1700000000")}}, 1_700_000_000_000, 0},
		{"query wins over form", feedRequest{query: url.Values{"latest_time": {"1700000001"}}, form: url.Values{"latest_time": {"1700000002"}}},
			1_700_000_001_000, 0},
		{"token in the query", feedRequest{query: url.Values{"token": {tok}}}, 0, userID},
		{"token in a form body", feedRequest{form: url.Values{"token": {tok}}}, 0, userID},
		{"token and time in a multipart body", feedRequest{multipart: []part{tokenPart(tok), field("latest_time", "1700000000123")}}, 1_700_000_000_123, userID},
		{"query token wins", feedRequest{query: url.Values{"token": {tok}}, form: url.Values{"token": {other}}}, 0, userID},
		{"token and time", feedRequest{query: url.Values{"token": {other}, "latest_time": {"1700000000999"}}}, 1_700_000_000_999, otherUserID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(g.videos.feeds())
			st, _ := g.feed(t, tt.req)
			wantStatus(t, st, errno.Success)
			reqs := g.videos.feeds()
			if len(reqs) != before+1 {
				t.Fatalf("%d Feed calls, want 1", len(reqs)-before)
			}
			if got := reqs[len(reqs)-1]; got.LatestTime != tt.wantLatest || got.ViewerId != tt.wantViewer {
				t.Fatalf("Feed(viewer %d, latest %d), want (%d, %d)", got.ViewerId, got.LatestTime, tt.wantViewer, tt.wantLatest)
			}
		})
	}
}

func TestFeedRejects(t *testing.T) {
	g := startGateway(t, newMemStore(), uploadLimit)
	tok := g.token(t, userID)
	tests := []struct {
		name string
		req  feedRequest
		want errno.ErrNo
	}{
		{"latest_time not a number", feedRequest{query: url.Values{"latest_time": {"yesterday"}}}, errno.ParamErr},
		{"latest_time a float", feedRequest{query: url.Values{"latest_time": {"1.5"}}}, errno.ParamErr},
		{"latest_time overflowing", feedRequest{query: url.Values{"latest_time": {"99999999999999999999"}}}, errno.ParamErr},
		{"invalid token", feedRequest{query: url.Values{"token": {"garbage"}}}, errno.TokenInvalid},
		{"tampered token", feedRequest{query: url.Values{"token": {tok + "x"}}}, errno.TokenInvalid},
		{"expired token", feedRequest{query: url.Values{"token": {expiredToken(t, userID)}}}, errno.TokenInvalid},
		{"invalid token in a form body", feedRequest{form: url.Values{"token": {"garbage"}}}, errno.TokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, fields := g.feed(t, tt.req)
			wantStatus(t, st, tt.want)
			if n := len(g.videos.feeds()); n != 0 {
				t.Fatalf("%d Feed calls for a rejected request", n)
			}
			if _, ok := fields["video_list"]; ok {
				t.Fatalf("error response carries a video_list: %v", fields)
			}
		})
	}
}

func TestFeedResponse(t *testing.T) {
	author := &base.User{Id: 3, Name: "author", FollowCount: 1, FollowerCount: 2, IsFollow: true, Avatar: "http://a/avatar.png",
		BackgroundImage: "http://a/bg.png", Signature: "hi", TotalFavorited: 4, WorkCount: 5, FavoriteCount: 6}
	videos := []*base.Video{
		{Id: 11, Author: author, PlayUrl: "http://m/media/videos/a.mp4", CoverUrl: "http://m/media/covers/a.jpg", FavoriteCount: 7, CommentCount: 8, IsFavorite: true, Title: "标题"},
		{Id: 10, Author: author, PlayUrl: "http://m/media/videos/b.mp4", CoverUrl: "http://m/media/covers/b.jpg", Title: "zero counts"},
	}
	tests := []struct {
		name      string
		resp      *video.FeedResponse
		err       error
		want      errno.ErrNo
		wantList  []*base.Video
		wantNext  int64
		wantEmpty bool // the list must be [] (never null)
	}{
		{"videos", &video.FeedResponse{BaseResp: errno.ToBaseResp(nil), Videos: videos, NextTime: 1_700_000_000_000},
			nil, errno.Success, videos, 1_700_000_000_000, false},
		{"no videos is []", &video.FeedResponse{BaseResp: errno.ToBaseResp(nil), NextTime: 42},
			nil, errno.Success, []*base.Video{}, 42, true},
		{"business error passed on", &video.FeedResponse{BaseResp: errno.ToBaseResp(errno.UserNotExist)},
			nil, errno.UserNotExist, nil, 0, false},
		{"video service unreachable", nil, errors.New("connection refused"), errno.ServiceUnavail, nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := startGateway(t, newMemStore(), uploadLimit)
			g.videos.answerFeed(tt.resp, tt.err)
			st, fields := g.feed(t, feedRequest{})
			wantStatus(t, st, tt.want)
			if tt.want != errno.Success {
				if _, ok := fields["video_list"]; ok {
					t.Fatalf("error response carries a video_list: %v", fields)
				}
				return
			}
			if tt.wantEmpty && string(fields["video_list"]) != "[]" {
				t.Fatalf("video_list = %s, want []", fields["video_list"])
			}
			var list []*base.Video
			if err := json.Unmarshal(fields["video_list"], &list); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(list, tt.wantList) {
				t.Fatalf("video_list %s, want %+v", fields["video_list"], tt.wantList)
			}
			var next int64
			if err := json.Unmarshal(fields["next_time"], &next); err != nil || next != tt.wantNext {
				t.Fatalf("next_time %s, want %d", fields["next_time"], tt.wantNext)
			}
			// Every field of the contract is present, even when zero or false.
			if len(tt.wantList) > 0 {
				var raw []map[string]json.RawMessage
				if err := json.Unmarshal(fields["video_list"], &raw); err != nil {
					t.Fatal(err)
				}
				wantKeys := []string{"author", "comment_count", "cover_url", "favorite_count", "id", "is_favorite", "play_url", "title"}
				if got := keysOf(raw[1]); !reflect.DeepEqual(got, wantKeys) {
					t.Fatalf("video fields %v, want %v", got, wantKeys)
				}
			}
		})
	}
}

func keysOf(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
