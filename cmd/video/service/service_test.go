package service_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/douyin-go/douyin/cmd/video/media"
	"github.com/douyin-go/douyin/cmd/video/service"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/moderation"
	"github.com/douyin-go/douyin/pkg/testutil/fakes"
)

const (
	mediaBase   = "http://media.test/media/"
	counterWait = 1234 * time.Millisecond
)

// counterGroups are the groups a publication waits for: those counting it.
var counterGroups = events.CountedBy(events.TopicPublish)

type fixture struct {
	svc     *service.Service
	videos  *fakeVideos
	objects *fakeObjects
	prober  *fakeProber
	users   *fakes.Users
	favs    *fakeFavorites
	waiter  *fakes.Waiter
	tempDir string
}

// newFixture builds the service over fakes; users lists the known users.
func newFixture(t *testing.T, feedSize int, users ...int64) *fixture {
	t.Helper()
	f := &fixture{
		videos:  newFakeVideos(),
		objects: newFakeObjects(),
		prober:  &fakeProber{info: media.Info{Duration: 2 * time.Second, Width: 320, Height: 240, VideoCodec: "h264", FormatName: "mov,mp4,m4a,3gp,3g2,mj2"}},
		users:   fakes.NewUsers(users...),
		favs:    newFakeFavorites(),
		waiter:  &fakes.Waiter{},
		tempDir: t.TempDir(),
	}
	f.svc = service.New(service.Deps{
		Videos: f.videos, Objects: f.objects, Prober: f.prober,
		Users: f.users, Favorites: f.favs, Applied: f.waiter,
	}, service.Options{
		MediaBaseURL: mediaBase,
		FeedSize:     feedSize,
		TempDir:      f.tempDir,
		CounterWait:  counterWait,
		Words:        moderation.BuiltIn(),
	})
	return f
}

// tempLeft lists what the service left in its temporary directory.
func (f *fixture) tempLeft(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(f.tempDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// wantErrNo fails unless err is the business error want (same code) with a
// message.
func wantErrNo(t *testing.T, err error, want errno.ErrNo) {
	t.Helper()
	var got errno.ErrNo
	if !errors.As(err, &got) || got.Code != want.Code {
		t.Fatalf("err = %v, want errno %d (%s)", err, want.Code, want.Msg)
	}
	if got.Msg == "" {
		t.Fatalf("errno %d has an empty message", got.Code)
	}
}

// wantInternal fails unless err wraps cause and reaches clients as the
// generic ServiceErr.
func wantInternal(t *testing.T, err, cause error) {
	t.Helper()
	if !errors.Is(err, cause) {
		t.Fatalf("err = %v, want it to wrap %v", err, cause)
	}
	if got := errno.Convert(err); got != errno.ServiceErr {
		t.Fatalf("errno.Convert(err) = %+v, want ServiceErr", got)
	}
}
