package reconcile

import (
	"context"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	interactiondal "github.com/douyin-go/douyin/cmd/interaction/dal"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// interactionEnv is an interaction database filled by plain inserts.
type interactionEnv struct{ db *gorm.DB }

func newInteractionEnv(t *testing.T) interactionEnv {
	t.Helper()
	e := interactionEnv{db: testutil.DB(t)}
	noErr(t, interactiondal.Migrate(e.db))
	return e
}

func (e interactionEnv) like(t *testing.T, user, video int64) {
	t.Helper()
	noErr(t, e.db.Create(&interactiondal.Favorite{UserID: user, VideoID: video, CreatedAt: time.Now().UTC()}).Error)
}

func (e interactionEnv) post(t *testing.T, video int64) {
	t.Helper()
	noErr(t, e.db.Create(&interactiondal.Comment{VideoID: video, UserID: 1, Content: "c", CreatedAt: time.Now().UTC()}).Error)
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// The counters of likes and comments are recomputed from these tables,
// with the video service's videos and the user service's users beside them.
func TestReconcileCounters(t *testing.T) {
	s := newInteractionEnv(t)
	ctx := context.Background()
	type video struct {
		ID            int64 `gorm:"primaryKey"`
		AuthorID      int64
		FavoriteCount int64
		CommentCount  int64
	}
	type user struct {
		ID             int64 `gorm:"primaryKey"`
		FavoriteCount  int64
		TotalFavorited int64
	}
	if err := s.db.Table("videos").AutoMigrate(&video{}); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Table("users").AutoMigrate(&user{}); err != nil {
		t.Fatal(err)
	}
	// Users 1..3; user 1 authored videos 10 and 11, user 2 video 20.
	for _, u := range []user{{ID: 1, FavoriteCount: 5}, {ID: 2, TotalFavorited: 9}, {ID: 3}} {
		noErr(t, s.db.Table("users").Create(&u).Error)
	}
	for _, v := range []video{{ID: 10, AuthorID: 1, FavoriteCount: 7}, {ID: 11, AuthorID: 1}, {ID: 20, AuthorID: 2, CommentCount: 4}} {
		noErr(t, s.db.Table("videos").Create(&v).Error)
	}
	for _, l := range [][2]int64{{1, 20}, {2, 10}, {3, 10}, {3, 11}, {3, 20}} {
		s.like(t, l[0], l[1])
	}
	for _, v := range []int64{10, 10, 11} {
		s.post(t, v)
	}

	if _, err := fixAll(ctx, s.db, interactionCounters()...); err != nil {
		t.Fatal(err)
	}
	var videos []video
	noErr(t, s.db.Table("videos").Order("id").Find(&videos).Error)
	equal(t, "videos", videos, []video{
		{ID: 10, AuthorID: 1, FavoriteCount: 2, CommentCount: 2},
		{ID: 11, AuthorID: 1, FavoriteCount: 1, CommentCount: 1},
		{ID: 20, AuthorID: 2, FavoriteCount: 2, CommentCount: 0},
	})
	var users []user
	noErr(t, s.db.Table("users").Order("id").Find(&users).Error)
	equal(t, "users", users, []user{
		{ID: 1, FavoriteCount: 1, TotalFavorited: 3},
		{ID: 2, FavoriteCount: 1, TotalFavorited: 2},
		{ID: 3, FavoriteCount: 3, TotalFavorited: 0},
	})
	drifts, err := fixAll(ctx, s.db, interactionCounters()...)
	if err != nil || len(drifts) != 0 {
		t.Fatalf("second run: drifts %v err %v", drifts, err)
	}
}
