package storage

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/douyin-go/douyin/pkg/inprocess"
)

// startStore runs the in-process S3 server over dir and connects a store.
func startStore(t *testing.T, dir string) (*inprocess.S3, *S3) {
	t.Helper()
	srv, err := inprocess.StartS3(dir)
	if err != nil {
		t.Fatalf("StartS3: %v", err)
	}
	t.Cleanup(srv.Close)
	cfg := Config{Endpoint: srv.Endpoint(), AccessKey: "test", SecretKey: "test-secret", Bucket: "videos"}
	st, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	// A second New sees the existing bucket: services start in any order.
	if _, err := New(context.Background(), cfg); err != nil {
		t.Fatalf("New on existing bucket: %v", err)
	}
	return srv, st
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(b)
	return b
}

func readAll(t *testing.T, obj *Object) []byte {
	t.Helper()
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return b
}

func TestMinioStore(t *testing.T) {
	ctx := context.Background()
	_, st := startStore(t, t.TempDir())
	data := randomBytes(10_000)
	size := int64(len(data))
	before := time.Now().Add(-2 * time.Second) // Last-Modified has 1 s precision
	if err := st.Put(ctx, "v/1.mp4", bytes.NewReader(data), size, "video/mp4"); err != nil {
		t.Fatalf("Put: %v", err)
	}

	t.Run("stat", func(t *testing.T) {
		info, err := st.Stat(ctx, "v/1.mp4")
		if err != nil {
			t.Fatalf("Stat: %v", err)
		}
		sum := md5.Sum(data)
		if info.Size != size || info.ContentType != "video/mp4" || info.ETag != hex.EncodeToString(sum[:]) {
			t.Fatalf("Stat = %+v, want size %d, video/mp4, etag %x", info, size, sum)
		}
		if info.LastModified.Before(before) || info.LastModified.After(time.Now().Add(2*time.Second)) {
			t.Fatalf("LastModified = %v, want about now", info.LastModified)
		}
	})

	t.Run("get", func(t *testing.T) {
		tests := []struct {
			name        string
			rng         *Range
			off, length int64
		}{
			{"whole", nil, 0, size},
			{"first 100 bytes", &Range{0, 99}, 0, 100},
			{"middle", &Range{1000, 1999}, 1000, 1000},
			{"single byte", &Range{42, 42}, 42, 1},
			{"from offset to end", &Range{9000, -1}, 9000, 1000},
			{"from zero to end", &Range{0, -1}, 0, size},
			{"end past size is clamped", &Range{9990, 20_000}, 9990, 10},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				obj, err := st.Get(ctx, "v/1.mp4", tt.rng)
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				got := readAll(t, obj)
				if obj.Offset != tt.off || obj.Length != tt.length || obj.Info.Size != size {
					t.Fatalf("Offset, Length, Size = %d, %d, %d; want %d, %d, %d",
						obj.Offset, obj.Length, obj.Info.Size, tt.off, tt.length, size)
				}
				if !bytes.Equal(got, data[tt.off:tt.off+tt.length]) {
					t.Fatalf("body: got %d bytes, not bytes %d..%d", len(got), tt.off, tt.off+tt.length-1)
				}
				if obj.Info.ContentType != "video/mp4" {
					t.Fatalf("ContentType = %q", obj.Info.ContentType)
				}
			})
		}
	})

	t.Run("get errors", func(t *testing.T) {
		tests := []struct {
			name string
			key  string
			rng  *Range
			want error
		}{
			{"missing key", "v/missing.mp4", nil, ErrNotFound},
			{"missing key with range", "v/missing.mp4", &Range{0, 9}, ErrNotFound},
			{"range past end", "v/1.mp4", &Range{size + 10, -1}, ErrUnsatisfiableRange},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				obj, err := st.Get(ctx, tt.key, tt.rng)
				if err == nil {
					obj.Close()
				}
				if !errors.Is(err, tt.want) {
					t.Fatalf("Get error = %v, want %v", err, tt.want)
				}
			})
		}
		if _, err := st.Get(ctx, "v/1.mp4", &Range{10, 5}); err == nil {
			t.Fatal("Get with End < Start: want error")
		}
	})

	t.Run("put file, unknown size and download", func(t *testing.T) {
		src := filepath.Join(t.TempDir(), "cover.jpg")
		if err := os.WriteFile(src, data[:500], 0o644); err != nil {
			t.Fatal(err)
		}
		if err := st.PutFile(ctx, "c/1.jpg", src, "image/jpeg"); err != nil {
			t.Fatalf("PutFile: %v", err)
		}
		if err := st.Put(ctx, "v/stream.mp4", bytes.NewReader(data), -1, "video/mp4"); err != nil {
			t.Fatalf("Put size -1: %v", err)
		}
		for key, want := range map[string][]byte{"c/1.jpg": data[:500], "v/stream.mp4": data} {
			dst := filepath.Join(t.TempDir(), "out")
			if err := st.Download(ctx, key, dst); err != nil {
				t.Fatalf("Download %s: %v", key, err)
			}
			if got, _ := os.ReadFile(dst); !bytes.Equal(got, want) {
				t.Fatalf("Download %s: got %d bytes, want %d", key, len(got), len(want))
			}
		}
		if info, err := st.Stat(ctx, "c/1.jpg"); err != nil || info.ContentType != "image/jpeg" {
			t.Fatalf("Stat cover = %+v, %v", info, err)
		}
		err := st.Download(ctx, "v/missing.mp4", filepath.Join(t.TempDir(), "x"))
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("Download missing: %v, want ErrNotFound", err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if err := st.Delete(ctx, "c/1.jpg", "v/stream.mp4", "v/never-existed.mp4"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		for _, key := range []string{"c/1.jpg", "v/stream.mp4"} {
			if _, err := st.Stat(ctx, key); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Stat %s after delete: %v, want ErrNotFound", key, err)
			}
			if _, err := st.Get(ctx, key, nil); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Get %s after delete: %v, want ErrNotFound", key, err)
			}
		}
		if _, err := st.Stat(ctx, "v/1.mp4"); err != nil {
			t.Fatalf("other object gone after delete: %v", err)
		}
	})
}

// TestMinioStoreUploadPaths covers minio-go's single PUT and multipart
// (over 16 MiB or size unknown) uploads, and checks the in-process server
// stores the payload, not the aws-chunked framing, and does not replay
// "Content-Encoding: aws-chunked" to plain HTTP clients.
func TestMinioStoreUploadPaths(t *testing.T) {
	ctx := context.Background()
	srv, st := startStore(t, t.TempDir())
	large := randomBytes(17<<20 + 123)
	tests := []struct {
		name    string
		data    []byte
		size    int64
		tailOff int64
	}{
		{"single put", large[:1000], 1000, 900},
		{"multipart, known size", large, int64(len(large)), 17 << 20},
		{"multipart, unknown size", large, -1, 17 << 20},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "v/upload-" + strconv.Itoa(i)
			if err := st.Put(ctx, key, bytes.NewReader(tt.data), tt.size, "video/mp4"); err != nil {
				t.Fatalf("Put: %v", err)
			}
			obj, err := st.Get(ctx, key, &Range{tt.tailOff, -1})
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if got := readAll(t, obj); obj.Info.Size != int64(len(tt.data)) || !bytes.Equal(got, tt.data[tt.tailOff:]) {
				t.Fatalf("Get tail: size %d, %d bytes; want size %d, %d bytes",
					obj.Info.Size, len(got), len(tt.data), int64(len(tt.data))-tt.tailOff)
			}
			// gofakes3 does not check signatures, so a bare GET works.
			resp, err := http.Get("http://" + srv.Endpoint() + "/videos/" + key)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if ce := resp.Header.Get("Content-Encoding"); ce != "" || !bytes.Equal(body, tt.data) {
				t.Fatalf("raw GET: Content-Encoding %q, %d bytes", ce, len(body))
			}
		})
	}
}

func TestMinioStorePersistsAcrossRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := randomBytes(4096)

	srv, st := startStore(t, dir)
	if err := st.Put(ctx, "v/keep.mp4", bytes.NewReader(data), int64(len(data)), "video/mp4"); err != nil {
		t.Fatalf("Put: %v", err)
	}
	before, err := st.Stat(ctx, "v/keep.mp4")
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	srv.Close()

	_, st = startStore(t, dir)
	after, err := st.Stat(ctx, "v/keep.mp4")
	if err != nil {
		t.Fatalf("Stat after restart: %v", err)
	}
	if after != before {
		t.Fatalf("Stat after restart = %+v, want %+v", after, before)
	}
	obj, err := st.Get(ctx, "v/keep.mp4", &Range{100, 199})
	if err != nil {
		t.Fatalf("Get after restart: %v", err)
	}
	if got := readAll(t, obj); !bytes.Equal(got, data[100:200]) {
		t.Fatalf("Get after restart: wrong bytes")
	}
}

func TestDeleteOlderRemovesOnlyStaleObjectsUnderThePrefix(t *testing.T) {
	_, st := startStore(t, t.TempDir())
	ctx := context.Background()
	for _, key := range []string{"uploads/a", "uploads/b", "videos/keep.mp4"} {
		if err := st.Put(ctx, key, bytes.NewReader([]byte("x")), 1, "application/octet-stream"); err != nil {
			t.Fatal(err)
		}
	}
	// Nothing is older than an hour ago.
	if n, err := st.DeleteOlder(ctx, "uploads/", time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("recent uploads: removed %d (err %v), want 0", n, err)
	}
	// Everything under uploads/ is older than a minute from now.
	if n, err := st.DeleteOlder(ctx, "uploads/", time.Now().Add(time.Minute)); err != nil || n != 2 {
		t.Fatalf("stale uploads: removed %d (err %v), want 2", n, err)
	}
	for key, want := range map[string]error{"uploads/a": ErrNotFound, "uploads/b": ErrNotFound, "videos/keep.mp4": nil} {
		if _, err := st.Stat(ctx, key); !errors.Is(err, want) && (want != nil || err != nil) {
			t.Fatalf("Stat(%s) = %v, want %v", key, err, want)
		}
	}
}
