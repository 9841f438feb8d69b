package service_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/cmd/video/media"
	"github.com/douyin-go/douyin/cmd/video/service"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/inprocess"
	"github.com/douyin-go/douyin/pkg/storage"
	"github.com/douyin-go/douyin/pkg/testutil"
	"github.com/douyin-go/douyin/pkg/testutil/fakes"
)

// Publish on the real parts: ffprobe/ffmpeg, minio-go against the embedded
// S3 server, and the video table on MariaDB/Redis (when configured) or
// SQLite. Only the other services are fakes.

const bucket = "douyin-test"

// ffmpeg runs ffmpeg with args in dir and returns the path of out.
func ffmpeg(t *testing.T, dir, out string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatalf("ffmpeg is required for these tests (apt-get install -y ffmpeg): %v", err)
	}
	path := filepath.Join(dir, out)
	cmd := exec.Command(bin, append(append([]string{"-nostdin", "-v", "error", "-y"}, args...), path)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, b)
	}
	return path
}

var (
	videoOnce sync.Once
	videoData []byte
	videoErr  error
)

// makeVideo returns a real 2 s mp4 (H.264 when ffmpeg has libx264), made
// once per test binary.
func makeVideo(t *testing.T) []byte {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Fatalf("ffmpeg is required for these tests (apt-get install -y ffmpeg): %v", err)
	}
	videoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "video-test-")
		if err != nil {
			videoErr = err
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "video.mp4")
		cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
			"-i", "testsrc=duration=2:size=320x240:rate=25", "-pix_fmt", "yuv420p", out)
		if b, err := cmd.CombinedOutput(); err != nil {
			videoErr = fmt.Errorf("ffmpeg: %v\n%s", err, b)
			return
		}
		videoData, videoErr = os.ReadFile(out)
	})
	if videoErr != nil {
		t.Fatal(videoErr)
	}
	return videoData
}

type realEnv struct {
	svc     *service.Service
	store   storage.Objects
	objects *minio.Client
	db      *dal.Videos
	waiter  *fakes.Waiter
	count   func() int64
	tempDir string
}

// failingStore makes PutFile fail for keys under failPrefix.
type failingStore struct {
	storage.Objects
	failPrefix string
}

func (s failingStore) PutFile(ctx context.Context, key, path, contentType string) error {
	if strings.HasPrefix(key, s.failPrefix) {
		return errDown
	}
	return s.Objects.PutFile(ctx, key, path, contentType)
}

// failingCreate makes the row write fail after both objects are stored.
type failingCreate struct{ service.VideoStore }

func (failingCreate) Create(context.Context, *dal.Video) ([]string, error) { return nil, errDown }

func newRealEnv(t *testing.T, wrapStore func(storage.Objects) storage.Objects, wrapVideos func(service.VideoStore) service.VideoStore) *realEnv {
	t.Helper()
	prober, err := media.NewProber(0)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := inprocess.StartS3(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cfg := storage.Config{Endpoint: srv.Endpoint(), AccessKey: "test", SecretKey: "test-secret", Bucket: bucket}
	store, err := storage.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	gdb := testutil.DB(t)
	if err := dal.Migrate(gdb); err != nil {
		t.Fatal(err)
	}
	outbox := eventbus.NewOutbox("video_outbox")
	if err := outbox.Migrate(gdb); err != nil {
		t.Fatal(err)
	}
	e := &realEnv{store: store, objects: client, db: dal.NewVideos(gdb, outbox, testutil.Cache(t)), waiter: &fakes.Waiter{}, tempDir: t.TempDir()}
	e.count = func() int64 {
		var n int64
		if err := gdb.Model(&dal.Video{}).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	var objects storage.Objects = store
	if wrapStore != nil {
		objects = wrapStore(store)
	}
	var videos service.VideoStore = e.db
	if wrapVideos != nil {
		videos = wrapVideos(e.db)
	}
	e.svc = service.New(service.Deps{Videos: videos, Objects: objects, Prober: prober,
		Users: fakes.NewUsers(author), Favorites: newFakeFavorites(), Applied: e.waiter},
		service.Options{MediaBaseURL: mediaBase, TempDir: e.tempDir, CounterWait: counterWait})
	return e
}

// keys lists every object in the bucket.
func (e *realEnv) keys(t *testing.T) []string {
	t.Helper()
	var keys []string
	for o := range e.objects.ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		keys = append(keys, o.Key)
	}
	sort.Strings(keys)
	return keys
}

// stage uploads data as the gateway does.
func (e *realEnv) stage(t *testing.T, data []byte) {
	t.Helper()
	if err := e.store.Put(context.Background(), uploadKey, bytes.NewReader(data), int64(len(data)), "application/octet-stream"); err != nil {
		t.Fatal(err)
	}
}

func (e *realEnv) read(t *testing.T, key string) ([]byte, string) {
	t.Helper()
	obj, err := e.store.Get(context.Background(), key, nil)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		t.Fatal(err)
	}
	return b, obj.Info.ContentType
}

func TestPublishRealVideo(t *testing.T) {
	e := newRealEnv(t, nil, nil)
	video := makeVideo(t)
	e.stage(t, video)
	id, err := e.svc.Publish(context.Background(), author, "a real video", uploadKey)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	rows, err := e.db.ByIDs(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	row := rows[id]
	if row.AuthorID != author || row.Title != "a real video" || row.PublishedAt <= 0 {
		t.Fatalf("row %+v", row)
	}
	if keys := e.keys(t); len(keys) != 2 || keys[0] != row.CoverKey || keys[1] != row.PlayKey {
		t.Fatalf("bucket holds %v, want exactly %s and %s", keys, row.CoverKey, row.PlayKey)
	}
	if b, ct := e.read(t, row.PlayKey); !bytes.Equal(b, video) || ct != "video/mp4" {
		t.Fatalf("stored video: %d bytes as %s, want the %d uploaded bytes as video/mp4", len(b), ct, len(video))
	}
	if b, ct := e.read(t, row.CoverKey); !bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}) || ct != "image/jpeg" {
		t.Fatalf("stored cover: % x… as %s, want a JPEG", b[:min(len(b), 4)], ct)
	}
	if len(e.waiter.Calls()) != 1 || len(e.waiter.Calls()[0].IDs) != 1 {
		t.Fatalf("waits %+v, want one for the Published event", e.waiter.Calls())
	}
	if entries, _ := os.ReadDir(e.tempDir); len(entries) != 0 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

// Whatever goes wrong, a failed publish leaves no row and no object.
func TestPublishFailuresLeaveNothingBehind(t *testing.T) {
	dir := t.TempDir()
	video := makeVideo(t)
	png, err := os.ReadFile(ffmpeg(t, dir, "image.png", "-f", "lavfi", "-i", "testsrc=size=320x240", "-frames:v", "1"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		upload     []byte
		wrapStore  func(storage.Objects) storage.Objects
		wrapVideos func(service.VideoStore) service.VideoStore
		wantErrNo  *errno.ErrNo
	}{
		{name: "text file", upload: []byte("just some text, not a video\n"), wantErrNo: &errno.VideoInvalid},
		{name: "image", upload: png, wantErrNo: &errno.VideoInvalid},
		{name: "truncated video", upload: video[:len(video)/2], wantErrNo: &errno.VideoInvalid},
		{name: "cover upload fails", upload: video,
			wrapStore: func(s storage.Objects) storage.Objects { return failingStore{Objects: s, failPrefix: "covers/"} }},
		{name: "row write fails", upload: video,
			wrapVideos: func(v service.VideoStore) service.VideoStore { return failingCreate{v} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newRealEnv(t, tt.wrapStore, tt.wrapVideos)
			e.stage(t, tt.upload)
			id, err := e.svc.Publish(context.Background(), author, "title", uploadKey)
			if tt.wantErrNo != nil {
				wantErrNo(t, err, *tt.wantErrNo)
			} else {
				wantInternal(t, err, errDown)
			}
			if id != 0 {
				t.Fatalf("id %d on failure", id)
			}
			if keys := e.keys(t); len(keys) != 0 {
				t.Fatalf("objects left behind: %v", keys)
			}
			if n := e.count(); n != 0 {
				t.Fatalf("%d rows left behind", n)
			}
		})
	}
}
