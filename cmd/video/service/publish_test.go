package service_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/douyin-go/douyin/cmd/video/media"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/testutil/fakes"
)

const (
	author    = int64(7)
	uploadKey = "uploads/staged-1"
)

var videoBytes = []byte("VIDEO: pretend these are the bytes of an mp4")

// stage puts an upload into the fake store as the gateway would.
func (f *fixture) stage(data []byte) {
	f.objects.objects[uploadKey] = object{data: data, contentType: "application/octet-stream"}
}

// wantNothingLeft fails if a failed publish left an object (the staged
// upload included), a row, a temporary file or waited for events.
func (f *fixture) wantNothingLeft(t *testing.T) {
	t.Helper()
	if keys := f.objects.keys(); len(keys) != 0 {
		t.Errorf("objects left behind: %v", keys)
	}
	if n := f.videos.count(); n != 0 {
		t.Errorf("%d video rows left behind", n)
	}
	if left := f.tempLeft(t); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	if len(f.waiter.Calls()) != 0 {
		t.Errorf("waited for events of a failed publish: %+v", f.waiter.Calls())
	}
}

func TestPublishTitle(t *testing.T) {
	tests := []struct {
		name      string
		title     string
		wantErr   bool
		wantTitle string // stored title on success
	}{
		{"plain", "my video", false, "my video"},
		{"surrounding spaces trimmed", "  my video \t\n", false, "my video"},
		{"100 ascii chars", strings.Repeat("a", 100), false, strings.Repeat("a", 100)},
		{"100 multibyte chars", strings.Repeat("视", 100), false, strings.Repeat("视", 100)},
		{"100 four-byte chars", strings.Repeat("😀", 100), false, strings.Repeat("😀", 100)},
		{"100 chars inside spaces", "  " + strings.Repeat("b", 100) + "  ", false, strings.Repeat("b", 100)},
		{"empty", "", true, ""},
		{"only spaces", "    ", true, ""},
		{"only whitespace", "\t\n \u3000", true, ""},
		{"101 ascii chars", strings.Repeat("a", 101), true, ""},
		{"101 multibyte chars", strings.Repeat("视", 101), true, ""},
		{"invalid UTF-8", "my \xff video", true, ""},
		{"control character", "my\x00video", true, ""},
		{"line break inside", "my\nvideo", true, ""},
		{"sensitive words masked", "加微信 for a deal", false, "*** for a deal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0, author)
			f.stage(videoBytes)
			id, err := f.svc.Publish(context.Background(), author, tt.title, uploadKey)
			if tt.wantErr {
				wantErrNo(t, err, errno.ParamErr)
				if !strings.Contains(err.Error(), "title") {
					t.Errorf("message %q does not mention the title", err.Error())
				}
				if id != 0 {
					t.Errorf("id = %d on failure", id)
				}
				if len(f.prober.probed) != 0 {
					t.Error("probed an upload with an invalid title")
				}
				// The staged upload is removed on every outcome: nobody
				// else ever deletes it.
				f.wantNothingLeft(t)
				return
			}
			if err != nil {
				t.Fatalf("Publish: %v", err)
			}
			if got := f.videos.rows[id].Title; got != tt.wantTitle {
				t.Fatalf("stored title %q, want %q", got, tt.wantTitle)
			}
		})
	}
}

func TestPublishNeedsUploadKey(t *testing.T) {
	f := newFixture(t, 0, author)
	_, err := f.svc.Publish(context.Background(), author, "title", "")
	wantErrNo(t, err, errno.ParamErr)
	if !strings.Contains(err.Error(), "data") {
		t.Errorf("message %q does not mention data", err.Error())
	}
	if len(f.objects.deleted) != 0 || len(f.prober.probed) != 0 {
		t.Fatalf("deleted %v / probed %v without an upload", f.objects.deleted, f.prober.probed)
	}
	f.wantNothingLeft(t)
}

// Every way a publish can fail halfway leaves no row and no object: not
// the staged upload, not the video, not the cover.
func TestPublishFailureLeavesNothing(t *testing.T) {
	canceled := fmt.Errorf("media: ffprobe: %w", context.Canceled)
	tests := []struct {
		name      string
		upload    []byte
		setup     func(f *fixture)
		wantErrNo *errno.ErrNo // nil: an internal error wrapping wantCause
		wantCause error
		wantMsg   string
	}{
		{name: "not a video", upload: []byte("hello, I am a text file"),
			wantErrNo: &errno.VideoInvalid},
		{name: "prober says not a video", upload: videoBytes,
			setup:     func(f *fixture) { f.prober.probeErr = fmt.Errorf("media: %w: truncated", media.ErrNotVideo) },
			wantErrNo: &errno.VideoInvalid},
		{name: "probe interrupted is not the upload's fault", upload: videoBytes,
			setup:     func(f *fixture) { f.prober.probeErr = canceled },
			wantCause: context.Canceled},
		{name: "no cover frame", upload: videoBytes,
			setup:     func(f *fixture) { f.prober.coverErr = fmt.Errorf("media: cover: %w", media.ErrNotVideo) },
			wantErrNo: &errno.VideoInvalid, wantMsg: "cover"},
		{name: "staged upload unreadable", upload: videoBytes,
			setup:     func(f *fixture) { f.objects.downloadErr = errDown },
			wantCause: errDown},
		{name: "storing the video fails", upload: videoBytes,
			setup:     func(f *fixture) { f.objects.putErrFor["videos/"] = errDown },
			wantCause: errDown},
		{name: "storing the cover fails after the video was stored", upload: videoBytes,
			setup:     func(f *fixture) { f.objects.putErrFor["covers/"] = errDown },
			wantCause: errDown},
		{name: "writing the row fails after both objects were stored", upload: videoBytes,
			setup:     func(f *fixture) { f.videos.createErr = errDown },
			wantCause: errDown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0, author)
			f.stage(tt.upload)
			if tt.setup != nil {
				tt.setup(f)
			}
			id, err := f.svc.Publish(context.Background(), author, "title", uploadKey)
			if tt.wantErrNo != nil {
				wantErrNo(t, err, *tt.wantErrNo)
				if !strings.Contains(err.Error(), tt.wantMsg) {
					t.Errorf("message %q does not mention %q", err.Error(), tt.wantMsg)
				}
			} else {
				wantInternal(t, err, tt.wantCause)
			}
			if id != 0 {
				t.Errorf("id = %d on failure", id)
			}
			f.wantNothingLeft(t)
			if !contains(f.objects.deleted, uploadKey) {
				t.Errorf("staged upload not deleted; deleted %v", f.objects.deleted)
			}
		})
	}
}

// The deletes are the cleanup of exactly the objects stored so far.
func TestPublishCleanupDeletesStoredObjects(t *testing.T) {
	tests := []struct {
		name        string
		setup       func(f *fixture)
		wantDeleted []string // prefixes of deleted keys besides the upload
	}{
		{"cover fails", func(f *fixture) { f.objects.putErrFor["covers/"] = errDown }, []string{"videos/"}},
		{"row fails", func(f *fixture) { f.videos.createErr = errDown }, []string{"videos/", "covers/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0, author)
			f.stage(videoBytes)
			tt.setup(f)
			if _, err := f.svc.Publish(context.Background(), author, "title", uploadKey); err == nil {
				t.Fatal("Publish succeeded")
			}
			var got []string
			for _, k := range f.objects.deleted {
				if k != uploadKey {
					got = append(got, k[:strings.Index(k, "/")+1])
				}
			}
			if !reflect.DeepEqual(got, tt.wantDeleted) {
				t.Fatalf("deleted %v, want keys under %v (and the upload)", f.objects.deleted, tt.wantDeleted)
			}
		})
	}
}

func TestPublishSuccess(t *testing.T) {
	tests := []struct {
		format          string
		wantContentType string
		wantExt         string
	}{
		{"mov,mp4,m4a,3gp,3g2,mj2", "video/mp4", ".mp4"},
		{"matroska,webm", "video/webm", ".webm"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			for _, applied := range []bool{true, false} {
				f := newFixture(t, 0, author)
				f.prober.info.FormatName = tt.format
				f.waiter.NotApplied = !applied // a counter timeout does not fail the publish
				f.stage(videoBytes)
				id, err := f.svc.Publish(context.Background(), author, " My first video ", uploadKey)
				if err != nil {
					t.Fatalf("Publish: %v", err)
				}
				row, ok := f.videos.rows[id]
				if !ok || id <= 0 {
					t.Fatalf("id %d has no row; rows %+v", id, f.videos.rows)
				}
				if row.AuthorID != author || row.Title != "My first video" {
					t.Fatalf("row %+v, want author %d and the trimmed title", row, author)
				}
				keyRE := regexp.MustCompile(`^videos/([0-9a-f-]{36})` + regexp.QuoteMeta(tt.wantExt) + `$`)
				m := keyRE.FindStringSubmatch(row.PlayKey)
				if m == nil {
					t.Fatalf("play key %q does not match %s", row.PlayKey, keyRE)
				}
				if want := "covers/" + m[1] + ".jpg"; row.CoverKey != want {
					t.Fatalf("cover key %q, want %q", row.CoverKey, want)
				}
				if keys := f.objects.keys(); !reflect.DeepEqual(keys, []string{row.CoverKey, row.PlayKey}) {
					t.Fatalf("stored objects %v, want exactly the video and its cover (upload removed)", keys)
				}
				if o, _ := f.objects.get(row.PlayKey); !bytes.Equal(o.data, videoBytes) || o.contentType != tt.wantContentType {
					t.Fatalf("video object %q (%s), want the upload as %s", o.data, o.contentType, tt.wantContentType)
				}
				if o, _ := f.objects.get(row.CoverKey); !bytes.Equal(o.data, coverBytes) || o.contentType != "image/jpeg" {
					t.Fatalf("cover object %q (%s), want the prober's JPEG", o.data, o.contentType)
				}
				// The cover is cut from the file that was probed.
				if len(f.prober.probed) != 1 || len(f.prober.coverPaths) != 1 || f.prober.coverPaths[0][0] != f.prober.probed[0] ||
					len(f.objects.downloads) != 1 || f.objects.downloads[0] != f.prober.probed[0] {
					t.Fatalf("downloaded %v, probed %v, covered %v: want one and the same file", f.objects.downloads, f.prober.probed, f.prober.coverPaths)
				}
				wantWait := []fakes.WaitCall{{Timeout: counterWait, IDs: []string{"published-1"}, Groups: counterGroups}}
				if !reflect.DeepEqual(f.waiter.Calls(), wantWait) {
					t.Fatalf("waits %+v, want %+v", f.waiter.Calls(), wantWait)
				}
				if left := f.tempLeft(t); len(left) != 0 {
					t.Fatalf("temporary files left behind: %v", left)
				}
			}
		})
	}
}

func TestPublishTwiceGivesDistinctObjects(t *testing.T) {
	f := newFixture(t, 0, author)
	var ids []int64
	for i := 0; i < 2; i++ {
		f.stage(videoBytes)
		id, err := f.svc.Publish(context.Background(), author, "same title", uploadKey)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	a, b := f.videos.rows[ids[0]], f.videos.rows[ids[1]]
	if ids[0] == ids[1] || a.PlayKey == b.PlayKey || a.CoverKey == b.CoverKey {
		t.Fatalf("second publish reused %+v / %+v", a, b)
	}
	if n := len(f.objects.keys()); n != 4 {
		t.Fatalf("%d objects, want 4", n)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
