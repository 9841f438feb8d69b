package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// makeVideo makes a real mp4 of the given length with ffmpeg.
func makeVideo(t *testing.T, seconds int) []byte {
	t.Helper()
	data, err := os.ReadFile(testutil.MakeVideo(t, "testsrc", seconds, "320x240"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func (s *system) publish(a account, title string, data []byte) resp {
	s.t.Helper()
	return s.multipartForm("/douyin/publish/action/", url.Values{"token": {a.token}, "title": {title}}, map[string][]byte{"data": data})
}

func (s *system) feed(params url.Values) resp {
	s.t.Helper()
	return mustOK(s.t, s.call(http.MethodGet, "/douyin/feed/", params))
}

// ours keeps the videos of ids in list, in list order (a shared external
// deployment also has other tests' videos).
func ours(list []map[string]any, ids map[int64]bool) []map[string]any {
	var out []map[string]any
	for _, v := range list {
		if ids[jsonInt64(v["id"])] {
			out = append(out, v)
		}
	}
	return out
}

func titles(list []map[string]any) string {
	var t []string
	for _, v := range list {
		t = append(t, fmt.Sprint(v["title"]))
	}
	return strings.Join(t, ",")
}

func TestPublishFeedAndMedia(t *testing.T) {
	s := newSystem(t)
	author, viewer := s.register("author"), s.register("viewer")
	data := makeVideo(t, 2)
	for _, title := range []string{"first", "second", "third"} {
		mustOK(t, s.publish(author, title, data))
	}

	published := mustOK(t, s.call(http.MethodGet, "/douyin/publish/list/", url.Values{"token": {viewer.token}, "user_id": {id(author.id)}})).list(t, "video_list")
	if titles(published) != "third,second,first" {
		t.Fatalf("publish list, newest first: %s", titles(published))
	}
	mine := map[int64]bool{}
	for _, v := range published {
		mine[jsonInt64(v["id"])] = true
		for _, f := range []string{"id", "author", "play_url", "cover_url", "favorite_count", "comment_count", "is_favorite", "title"} {
			if _, ok := v[f]; !ok {
				t.Fatalf("video has no %s: %v", f, v)
			}
		}
		if a, _ := v["author"].(map[string]any); jsonInt64(a["id"]) != author.id || jsonInt64(a["work_count"]) != 3 {
			t.Fatalf("author of %v", v)
		}
	}
	if r := mustOK(t, s.call(http.MethodGet, "/douyin/user/", url.Values{"token": {author.token}})); r.int("user.work_count") != 3 {
		t.Fatalf("work_count right after publishing: %v", r)
	}

	t.Run("feed is newest first and pages with next_time", func(t *testing.T) {
		// Page through the whole feed with next_time: each video once, newest first.
		seen, latest := map[int64]bool{}, int64(0)
		var got []map[string]any
		for pages := 0; pages < 100; pages++ {
			params := url.Values{}
			if latest > 0 {
				params.Set("latest_time", fmt.Sprint(latest))
			}
			page := s.feed(params)
			list := page.list(t, "video_list")
			if len(list) > 30 {
				t.Fatalf("a feed page has %d videos, at most 30 allowed", len(list))
			}
			for _, v := range list {
				if vid := jsonInt64(v["id"]); seen[vid] {
					t.Fatalf("video %d came twice while paging", vid)
				} else {
					seen[vid] = true
				}
			}
			got = append(got, ours(list, mine)...)
			next := page.int("next_time")
			if len(list) == 0 {
				if latest > 0 && next != latest {
					t.Fatalf("empty page: next_time %d, want latest_time %d", next, latest)
				}
				break
			}
			if next < 1e12 || (latest > 0 && next >= latest) {
				t.Fatalf("next_time %d after latest_time %d", next, latest)
			}
			latest = next
		}
		if titles(got) != "third,second,first" {
			t.Fatalf("feed pages: %s", titles(got))
		}
		if s.ns != "" {
			return // a shared deployment has other videos around ours
		}
		oldest := s.feed(url.Values{}).int("next_time")
		// Strictly before: at next_time+1 the oldest is the first again.
		if got := s.feed(url.Values{"latest_time": {fmt.Sprint(oldest + 1)}}).list(t, "video_list"); titles(got) != "first" {
			t.Fatalf("feed before next_time+1: %s", titles(got))
		}
		// latest_time below 10^12 is seconds (read as milliseconds it
		// would be 1970 and the page empty).
		seconds := fmt.Sprint(time.Now().Unix() + 1)
		if got := s.feed(url.Values{"latest_time": {seconds}}).list(t, "video_list"); titles(got) != "third,second,first" {
			t.Fatalf("feed with latest_time in seconds: %s", titles(got))
		}
	})

	t.Run("play_url streams the upload and honours Range", func(t *testing.T) {
		playURL := fmt.Sprint(published[0]["play_url"])
		if !strings.HasPrefix(playURL, s.base+"/") && s.ns == "" {
			t.Fatalf("play_url %s is not under %s", playURL, s.base)
		}
		res, err := http.Get(playURL)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !bytes.Equal(got, data) || res.Header.Get("Content-Type") != "video/mp4" {
			t.Fatalf("GET play_url: %d %s, %d bytes (want %d)", res.StatusCode, res.Header.Get("Content-Type"), len(got), len(data))
		}
		req, _ := http.NewRequest(http.MethodGet, playURL, nil)
		req.Header.Set("Range", "bytes=0-99")
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		part, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusPartialContent || len(part) != 100 || !bytes.Equal(part, data[:100]) ||
			res.Header.Get("Content-Range") != fmt.Sprintf("bytes 0-99/%d", len(data)) {
			t.Fatalf("Range 0-99: %d, %d bytes, Content-Range %q", res.StatusCode, len(part), res.Header.Get("Content-Range"))
		}
	})

	t.Run("cover_url is a JPEG", func(t *testing.T) {
		res, err := http.Get(fmt.Sprint(published[0]["cover_url"]))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" || len(got) < 3 || got[0] != 0xFF || got[1] != 0xD8 {
			t.Fatalf("cover: %d %s %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(got))
		}
	})

	t.Run("feed with a token fills is_favorite and is_follow", func(t *testing.T) {
		third := jsonInt64(published[0]["id"])
		mustOK(t, s.call(http.MethodPost, "/douyin/favorite/action/", url.Values{"token": {viewer.token}, "video_id": {id(third)}, "action_type": {"1"}}))
		mustOK(t, s.call(http.MethodPost, "/douyin/relation/action/", url.Values{"token": {viewer.token}, "to_user_id": {id(author.id)}, "action_type": {"1"}}))
		got := ours(s.feed(url.Values{"token": {viewer.token}}).list(t, "video_list"), mine)
		a, _ := got[0]["author"].(map[string]any)
		if got[0]["is_favorite"] != true || got[1]["is_favorite"] != false || a["is_follow"] != true || jsonInt64(got[0]["favorite_count"]) != 1 {
			t.Fatalf("feed seen by viewer: %v", got[:2])
		}
		anon := ours(s.feed(url.Values{}).list(t, "video_list"), mine)
		a, _ = anon[0]["author"].(map[string]any)
		if anon[0]["is_favorite"] != false || a["is_follow"] != false {
			t.Fatalf("anonymous feed: %v", anon[0])
		}
	})
}

func TestPublishBadInput(t *testing.T) {
	const limit = 1 << 20
	s := newSystem(t, func(c *config.Config) { c.Upload.MaxBytes = limit })
	a := s.register("uploader")
	video := makeVideo(t, 1)
	truncated := video[:len(video)/2]
	tests := []struct {
		name   string
		params url.Values
		files  map[string][]byte
		want   errno.ErrNo
	}{
		{"text file", url.Values{"token": {a.token}, "title": {"t"}}, map[string][]byte{"data": []byte("just some text, not a video")}, errno.VideoInvalid},
		{"truncated video", url.Values{"token": {a.token}, "title": {"t"}}, map[string][]byte{"data": truncated}, errno.VideoInvalid},
		{"empty file", url.Values{"token": {a.token}, "title": {"t"}}, map[string][]byte{"data": {}}, errno.VideoInvalid},
		{"missing title", url.Values{"token": {a.token}}, map[string][]byte{"data": video}, errno.ParamErr},
		{"blank title", url.Values{"token": {a.token}, "title": {"   "}}, map[string][]byte{"data": video}, errno.ParamErr},
		{"title with invalid UTF-8", url.Values{"token": {a.token}, "title": {"bad \xff title"}}, map[string][]byte{"data": video}, errno.ParamErr},
		{"title with a control character", url.Values{"token": {a.token}, "title": {"bad \x1b title"}}, map[string][]byte{"data": video}, errno.ParamErr},
		{"101-character title", url.Values{"token": {a.token}, "title": {strings.Repeat("t", 101)}}, map[string][]byte{"data": video}, errno.ParamErr},
		{"missing data", url.Values{"token": {a.token}, "title": {"t"}}, nil, errno.ParamErr},
		{"missing token", url.Values{"title": {"t"}}, map[string][]byte{"data": video}, errno.TokenMissing},
		{"bad token", url.Values{"token": {"x.y.z"}, "title": {"t"}}, map[string][]byte{"data": video}, errno.TokenInvalid},
	}
	if s.ns == "" {
		tests = append(tests, struct {
			name   string
			params url.Values
			files  map[string][]byte
			want   errno.ErrNo
		}{"oversized upload", url.Values{"token": {a.token}, "title": {"t"}}, map[string][]byte{"data": bytes.Repeat([]byte{0}, limit+1)}, errno.VideoTooLarge})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustFail(t, s.multipartForm("/douyin/publish/action/", tt.params, tt.files), int64(tt.want.Code))
		})
	}
	t.Run("a form that is not multipart", func(t *testing.T) {
		mustFail(t, s.form(http.MethodPost, "/douyin/publish/action/", url.Values{"token": {a.token}, "title": {"t"}}), int64(errno.ParamErr.Code))
	})
	t.Run("failures leave no video, row or object behind", func(t *testing.T) {
		list := mustOK(t, s.call(http.MethodGet, "/douyin/publish/list/", url.Values{"token": {a.token}, "user_id": {id(a.id)}})).list(t, "video_list")
		if len(list) != 0 {
			t.Fatalf("publish list after failed uploads: %v", list)
		}
		if r := mustOK(t, s.call(http.MethodGet, "/douyin/user/", url.Values{"token": {a.token}})); r.int("user.work_count") != 0 {
			t.Fatalf("work_count: %v", r)
		}
		if s.ns == "" {
			if objects := storedObjects(t, s.cfg.DataDir); len(objects) != 0 {
				t.Fatalf("objects left behind: %v", objects)
			}
		}
	})
	t.Run("list and feed errors", func(t *testing.T) {
		mustFail(t, s.call(http.MethodGet, "/douyin/publish/list/", url.Values{"token": {a.token}, "user_id": {"999999999"}}), int64(errno.UserNotExist.Code))
		mustFail(t, s.call(http.MethodGet, "/douyin/publish/list/", url.Values{"token": {a.token}, "user_id": {"abc"}}), int64(errno.ParamErr.Code))
		mustFail(t, s.call(http.MethodGet, "/douyin/publish/list/", url.Values{"user_id": {id(a.id)}}), int64(errno.TokenMissing.Code))
		mustFail(t, s.call(http.MethodGet, "/douyin/feed/", url.Values{"token": {"bad"}}), int64(errno.TokenInvalid.Code))
		mustFail(t, s.call(http.MethodGet, "/douyin/feed/", url.Values{"latest_time": {"yesterday"}}), int64(errno.ParamErr.Code))
	})
}

// storedObjects lists the media files the in-process S3 server keeps.
func storedObjects(t *testing.T, dataDir string) []string {
	t.Helper()
	var files []string
	root := filepath.Join(dataDir, "objects")
	_ = filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && !strings.Contains(path, "metadata") {
			rel, _ := filepath.Rel(root, path)
			files = append(files, rel)
		}
		return nil
	})
	return files
}
