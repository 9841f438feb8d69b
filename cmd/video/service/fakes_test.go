package service_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/cmd/video/media"
	"github.com/douyin-go/douyin/pkg/paging"
	"github.com/douyin-go/douyin/pkg/storage"
	"github.com/douyin-go/douyin/pkg/testutil/fakes"
)

// fakeVideos is an in-memory VideoStore with dal.Videos' semantics: unique
// publish times, Before strictly before and newest first, ByAuthor newest
// first. It counts its calls so tests can check there is no N+1.
type fakeVideos struct {
	mu     sync.Mutex
	rows   map[int64]dal.Video
	nextID int64
	clock  int64 // publish time of the next Create
	events int

	createCalls, byIDsCalls, beforeCalls, byAuthorCalls int
	// beforeArgs records (ms, limit) of every Before call.
	beforeArgs [][2]int64

	createErr, byIDsErr, beforeErr, byAuthorErr error
}

func newFakeVideos() *fakeVideos {
	return &fakeVideos{rows: map[int64]dal.Video{}, clock: 1_700_000_000_000}
}

func (f *fakeVideos) Create(_ context.Context, v *dal.Video) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.createCalls++
	if f.createErr != nil {
		return nil, f.createErr
	}
	f.nextID++
	f.clock++
	f.events++
	v.ID, v.PublishedAt = f.nextID, f.clock
	f.rows[v.ID] = *v
	return []string{fmt.Sprintf("published-%d", f.events)}, nil
}

func (f *fakeVideos) ByIDs(_ context.Context, ids []int64) (map[int64]dal.Video, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byIDsCalls++
	if f.byIDsErr != nil {
		return nil, f.byIDsErr
	}
	out := map[int64]dal.Video{}
	for _, id := range ids {
		if v, ok := f.rows[id]; ok {
			out[id] = v
		}
	}
	return out, nil
}

// newestFirst returns the rows keep accepts, newest first.
func (f *fakeVideos) newestFirst(keep func(dal.Video) bool) []dal.Video {
	var vs []dal.Video
	for _, v := range f.rows {
		if keep(v) {
			vs = append(vs, v)
		}
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].PublishedAt > vs[j].PublishedAt })
	return vs
}

func (f *fakeVideos) Before(_ context.Context, ms int64, limit int) ([]dal.Stamp, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.beforeCalls++
	f.beforeArgs = append(f.beforeArgs, [2]int64{ms, int64(limit)})
	if f.beforeErr != nil {
		return nil, f.beforeErr
	}
	var out []dal.Stamp
	for _, v := range f.newestFirst(func(v dal.Video) bool { return v.PublishedAt < ms }) {
		if len(out) == limit {
			break
		}
		out = append(out, dal.Stamp{ID: v.ID, PublishedAt: v.PublishedAt})
	}
	return out, nil
}

func (f *fakeVideos) ByAuthor(_ context.Context, author int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byAuthorCalls++
	if f.byAuthorErr != nil {
		return nil, f.byAuthorErr
	}
	var out []paging.Pos
	for _, v := range f.newestFirst(func(v dal.Video) bool {
		return v.AuthorID == author && (after.IsStart() || v.PublishedAt < after.At)
	}) {
		if len(out) < limit {
			out = append(out, paging.Pos{At: v.PublishedAt, ID: v.ID})
		}
	}
	return out, nil
}

// add stores a published video directly and returns it.
func (f *fakeVideos) add(author int64, publishedAt int64) dal.Video {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	v := dal.Video{ID: f.nextID, AuthorID: author, Title: fmt.Sprintf("video %d", f.nextID),
		PlayKey: fmt.Sprintf("videos/v%d.mp4", f.nextID), CoverKey: fmt.Sprintf("covers/v%d.jpg", f.nextID),
		FavoriteCount: 10 * f.nextID, CommentCount: 100 * f.nextID, PublishedAt: publishedAt}
	f.rows[v.ID] = v
	return v
}

func (f *fakeVideos) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.rows)
}

// object is a stored object.
type object struct {
	data        []byte
	contentType string
}

// fakeObjects is an in-memory ObjectStore. putErrFor makes PutFile of keys
// with that prefix fail.
type fakeObjects struct {
	sweepCutoffs []time.Time
	mu           sync.Mutex
	objects      map[string]object
	deleted      []string
	// downloads records the local paths Download wrote.
	downloads []string

	putErrFor   map[string]error // key prefix -> error
	downloadErr error
}

func newFakeObjects() *fakeObjects {
	return &fakeObjects{objects: map[string]object{}, putErrFor: map[string]error{}}
}

func (f *fakeObjects) PutFile(_ context.Context, key, path, contentType string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for prefix, err := range f.putErrFor {
		if strings.HasPrefix(key, prefix) {
			return err
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	f.objects[key] = object{data: b, contentType: contentType}
	return nil
}

func (f *fakeObjects) Delete(_ context.Context, keys ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range keys {
		delete(f.objects, k)
		f.deleted = append(f.deleted, k)
	}
	return nil
}

func (f *fakeObjects) Download(_ context.Context, key, path string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.downloadErr != nil {
		return f.downloadErr
	}
	o, ok := f.objects[key]
	if !ok {
		return fmt.Errorf("download %s: %w", key, storage.ErrNotFound)
	}
	f.downloads = append(f.downloads, path)
	return os.WriteFile(path, o.data, 0o600)
}

// keys lists the stored keys, sorted.
func (f *fakeObjects) keys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	ks := make([]string, 0, len(f.objects))
	for k := range f.objects {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func (f *fakeObjects) get(key string) (object, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objects[key]
	return o, ok
}

// fakeProber accepts files starting with "VIDEO" and writes coverBytes as
// the cover; probeErr or coverErr make it fail.
type fakeProber struct {
	mu         sync.Mutex
	info       media.Info
	probeErr   error
	coverErr   error
	probed     []string
	coverPaths [][2]string
}

var coverBytes = []byte("\xff\xd8\xff\xe0 fake jpeg cover")

func (p *fakeProber) Probe(_ context.Context, path string) (media.Info, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.probed = append(p.probed, path)
	if p.probeErr != nil {
		return media.Info{}, p.probeErr
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return media.Info{}, err
	}
	if !strings.HasPrefix(string(b), "VIDEO") {
		return media.Info{}, fmt.Errorf("media: %w: no video stream", media.ErrNotVideo)
	}
	return p.info, nil
}

func (p *fakeProber) Cover(_ context.Context, videoPath, jpegPath string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.coverPaths = append(p.coverPaths, [2]string{videoPath, jpegPath})
	if p.coverErr != nil {
		return p.coverErr
	}
	return os.WriteFile(jpegPath, coverBytes, 0o600)
}

// fakeFavorites answers MIsFavorite from a set of (user, video) likes.
type fakeFavorites struct {
	mu    sync.Mutex
	likes map[[2]int64]bool
	calls []fakes.UsersCall
	err   error
}

func newFakeFavorites() *fakeFavorites { return &fakeFavorites{likes: map[[2]int64]bool{}} }

func (f *fakeFavorites) MIsFavorite(_ context.Context, user int64, videoIDs []int64) (map[int64]bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fakes.UsersCall{Viewer: user, IDs: append([]int64(nil), videoIDs...)})
	if f.err != nil {
		return nil, f.err
	}
	out := map[int64]bool{}
	for _, id := range videoIDs {
		if f.likes[[2]int64{user, id}] {
			out[id] = true
		}
	}
	return out, nil
}

var errDown = errors.New("backend is down")

// DeleteOlder removes every key under prefix (the fake keeps no times) and
// records the cutoff it was asked for.
func (f *fakeObjects) DeleteOlder(_ context.Context, prefix string, cutoff time.Time) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweepCutoffs = append(f.sweepCutoffs, cutoff)
	n := 0
	for k := range f.objects {
		if strings.HasPrefix(k, prefix) {
			delete(f.objects, k)
			n++
		}
	}
	return n, nil
}
