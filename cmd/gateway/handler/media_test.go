package handler_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/inprocess"
	"github.com/douyin-go/douyin/pkg/storage"
)

// mediaStore is a real object store: minio-go against the in-process S3
// server, holding a video, a cover and objects that must never be served.
func mediaStore(t *testing.T) (storage.Objects, []byte, []byte) {
	t.Helper()
	srv, err := inprocess.StartS3(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	store, err := storage.New(context.Background(), storage.Config{
		Endpoint: srv.Endpoint(), AccessKey: "test", SecretKey: "test-secret", Bucket: "douyin-media-test"})
	if err != nil {
		t.Fatal(err)
	}
	video := randomBytes(300<<10+7, 11)
	cover := append([]byte{0xff, 0xd8, 0xff, 0xe0}, randomBytes(2000, 12)...)
	for key, obj := range map[string]struct {
		data []byte
		ct   string
	}{
		"videos/a.mp4":   {video, "video/mp4"},
		"covers/a.jpg":   {cover, "image/jpeg"},
		"uploads/staged": {[]byte("a staged upload nobody may fetch"), "application/octet-stream"},
		"secret.txt":     {[]byte("not media"), "text/plain"},
	} {
		if err := store.Put(context.Background(), key, bytes.NewReader(obj.data), int64(len(obj.data)), obj.ct); err != nil {
			t.Fatal(err)
		}
	}
	return store, video, cover
}

// setHeaders sets headers written "Key: value" on req.
func setHeaders(req *http.Request, headers []string) {
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
}

// get fetches path from the gateway with optional headers "Key: value".
func (g *gateway) get(t *testing.T, method, path string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, g.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	setHeaders(req, headers)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestMediaServesRanges(t *testing.T) {
	store, video, cover := mediaStore(t)
	g := startGateway(t, store, uploadLimit)
	size := int64(len(video))
	tail := func(n int64) []byte { return video[size-n:] }
	tests := []struct {
		name         string
		rangeHeader  string
		wantStatus   int
		wantBody     []byte
		wantRange    string // Content-Range, "" for none
		wantNoLength bool
	}{
		{"no range", "", http.StatusOK, video, "", false},
		{"first 100 bytes", "bytes=0-99", http.StatusPartialContent, video[:100], fmt.Sprintf("bytes 0-99/%d", size), false},
		{"middle", "bytes=100-199", http.StatusPartialContent, video[100:200], fmt.Sprintf("bytes 100-199/%d", size), false},
		{"one byte", "bytes=5-5", http.StatusPartialContent, video[5:6], fmt.Sprintf("bytes 5-5/%d", size), false},
		{"open end", fmt.Sprintf("bytes=%d-", size-10), http.StatusPartialContent, tail(10), fmt.Sprintf("bytes %d-%d/%d", size-10, size-1, size), false},
		{"suffix", "bytes=-10", http.StatusPartialContent, tail(10), fmt.Sprintf("bytes %d-%d/%d", size-10, size-1, size), false},
		{"from 0 to the end", "bytes=0-", http.StatusPartialContent, video, fmt.Sprintf("bytes 0-%d/%d", size-1, size), false},
		{"end past the size is clamped", "bytes=10-999999999", http.StatusPartialContent, video[10:], fmt.Sprintf("bytes 10-%d/%d", size-1, size), false},
		{"suffix longer than the object", fmt.Sprintf("bytes=-%d", size+100), http.StatusPartialContent, video, fmt.Sprintf("bytes 0-%d/%d", size-1, size), false},
		{"start at the size", fmt.Sprintf("bytes=%d-", size), http.StatusRequestedRangeNotSatisfiable, nil, fmt.Sprintf("bytes */%d", size), true},
		{"start past the size", fmt.Sprintf("bytes=%d-%d", size+5, size+10), http.StatusRequestedRangeNotSatisfiable, nil, fmt.Sprintf("bytes */%d", size), true},
		{"empty suffix", "bytes=-0", http.StatusRequestedRangeNotSatisfiable, nil, fmt.Sprintf("bytes */%d", size), true},
		{"malformed range ignored", "bytes=abc", http.StatusOK, video, "", false},
		{"backwards range ignored", "bytes=9-5", http.StatusOK, video, "", false},
		{"several ranges ignored", "bytes=0-1,5-6", http.StatusOK, video, "", false},
		{"other unit ignored", "items=0-1", http.StatusOK, video, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.rangeHeader != "" {
				headers = append(headers, "Range: "+tt.rangeHeader)
			}
			resp, body := g.get(t, http.MethodGet, "/media/videos/a.mp4", headers...)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("HTTP %d, want %d (%s)", resp.StatusCode, tt.wantStatus, body[:min(len(body), 100)])
			}
			if got := resp.Header.Get("Content-Range"); got != tt.wantRange {
				t.Fatalf("Content-Range %q, want %q", got, tt.wantRange)
			}
			if tt.wantNoLength {
				return
			}
			if !bytes.Equal(body, tt.wantBody) {
				t.Fatalf("body: %d bytes, want %d bytes of the object", len(body), len(tt.wantBody))
			}
			if resp.ContentLength != int64(len(tt.wantBody)) {
				t.Fatalf("Content-Length %d, want %d", resp.ContentLength, len(tt.wantBody))
			}
			if ct := resp.Header.Get("Content-Type"); ct != "video/mp4" {
				t.Fatalf("Content-Type %q, want video/mp4", ct)
			}
			if ar := resp.Header.Get("Accept-Ranges"); ar != "bytes" {
				t.Fatalf("Accept-Ranges %q, want bytes", ar)
			}
			if et := resp.Header.Get("ETag"); !strings.HasPrefix(et, `"`) || !strings.HasSuffix(et, `"`) || len(et) < 3 {
				t.Fatalf("ETag %q, want a quoted tag", et)
			}
		})
	}

	t.Run("cover", func(t *testing.T) {
		resp, body := g.get(t, http.MethodGet, "/media/covers/a.jpg")
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, cover) || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("HTTP %d, %d bytes, %s; want 200, the cover, image/jpeg", resp.StatusCode, len(body), resp.Header.Get("Content-Type"))
		}
	})
	t.Run("HEAD", func(t *testing.T) {
		resp, body := g.get(t, http.MethodHead, "/media/videos/a.mp4")
		if resp.StatusCode != http.StatusOK || len(body) != 0 || resp.Header.Get("Content-Length") != strconv.FormatInt(size, 10) {
			t.Fatalf("HEAD: HTTP %d, %d body bytes, Content-Length %q; want 200, none, %d", resp.StatusCode, len(body), resp.Header.Get("Content-Length"), size)
		}
	})
	t.Run("HEAD with a range", func(t *testing.T) {
		resp, body := g.get(t, http.MethodHead, "/media/videos/a.mp4", "Range: bytes=0-99")
		if resp.StatusCode != http.StatusPartialContent || len(body) != 0 || resp.Header.Get("Content-Length") != "100" {
			t.Fatalf("HEAD: HTTP %d, %d body bytes, Content-Length %q; want 206, none, 100", resp.StatusCode, len(body), resp.Header.Get("Content-Length"))
		}
	})
	t.Run("keep-alive connection serves one request after another", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			resp, body := g.get(t, http.MethodGet, "/media/videos/a.mp4", "Range: bytes=0-99")
			if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, video[:100]) {
				t.Fatalf("request %d: HTTP %d, %d bytes", i, resp.StatusCode, len(body))
			}
		}
	})
}

func TestMediaServesOnlyVideosAndCovers(t *testing.T) {
	store, _, _ := mediaStore(t)
	g := startGateway(t, store, uploadLimit)
	for _, path := range []string{
		"/media/videos/missing.mp4",
		"/media/covers/missing.jpg",
		"/media/uploads/staged",
		"/media/secret.txt",
		"/media/videos",
		"/media/",
		"/media/videosX/a.mp4",
		"/media/videos/../uploads/staged",
		"/media/covers/../secret.txt",
		"/media/videos/..%2Fuploads%2Fstaged",
		"/media/videos%2F..%2Fsecret.txt",
		"/media/%2e%2e/uploads/staged",
		"/media/videos/a%00.mp4",
		"/media/videos/%00",
		"/media/videos/%FF%FE.mp4",
		"/media/covers/%C3%28.jpg",
		"/media/videos/" + strings.Repeat("a", 1100) + ".mp4",
		"/media/videos/a.mp4%0d%0aX-Injected:%20yes",
	} {
		t.Run(path[:min(len(path), 60)], func(t *testing.T) {
			resp, body := rawGet(t, g, path)
			var st status
			if resp.StatusCode != http.StatusNotFound || json.Unmarshal(body, &st) != nil || st.StatusCode == nil || *st.StatusCode != errno.NotFound.Code {
				t.Fatalf("GET %s: HTTP %d with %q, want 404 with status_code %d", path, resp.StatusCode, body[:min(len(body), 60)], errno.NotFound.Code)
			}
		})
	}
}

// rawGet sends path exactly as written (net/http would clean "..").
func rawGet(t *testing.T, g *gateway, path string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(g.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// brokenStore is an object store that is down.
type brokenStore struct{ *memStore }

func (brokenStore) Stat(context.Context, string) (storage.ObjectInfo, error) {
	return storage.ObjectInfo{}, errors.New("connection refused")
}

func TestMediaStoreDown(t *testing.T) {
	g := startGateway(t, brokenStore{newMemStore()}, uploadLimit)
	resp, _ := g.get(t, http.MethodGet, "/media/videos/a.mp4")
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("HTTP %d, want 502 while the store is down", resp.StatusCode)
	}
}
