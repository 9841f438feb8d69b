package reconcile

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	interactiondal "github.com/douyin-go/douyin/cmd/interaction/dal"
	userdal "github.com/douyin-go/douyin/cmd/user/dal"
	videodal "github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/db"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// TestReconcileFixesEveryCounter seeds source rows with every counter at
// zero (as if every event had been lost) and checks reconcile restores
// all of them, then finds nothing more to fix.
func TestReconcileFixesEveryCounter(t *testing.T) {
	ctx := context.Background()
	gdb := testutil.DB(t)
	if _, err := ReconcileDB(ctx, gdb); err != nil { // creates the tables
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	author := userdal.User{Username: "author", PasswordHash: "x", CreatedAt: now}
	fan := userdal.User{Username: "fan", PasswordHash: "x", CreatedAt: now}
	must(gdb.Create(&author).Error)
	must(gdb.Create(&fan).Error)
	must(gdb.Create(&userdal.Follow{FollowerID: fan.ID, FolloweeID: author.ID, CreatedAt: now}).Error)
	v1 := videodal.Video{AuthorID: author.ID, Title: "one", PlayKey: "a", CoverKey: "b", PublishedAt: 1}
	v2 := videodal.Video{AuthorID: author.ID, Title: "two", PlayKey: "c", CoverKey: "d", PublishedAt: 2, FavoriteCount: 7}
	must(gdb.Create(&v1).Error)
	must(gdb.Create(&v2).Error)
	must(gdb.Create(&interactiondal.Favorite{UserID: fan.ID, VideoID: v1.ID, CreatedAt: now}).Error)
	must(gdb.Create(&interactiondal.Favorite{UserID: author.ID, VideoID: v1.ID, CreatedAt: now}).Error)
	must(gdb.Create(&interactiondal.Comment{VideoID: v1.ID, UserID: fan.ID, Content: "hi", CreatedAt: now}).Error)

	drifts, err := ReconcileDB(ctx, gdb)
	if err != nil {
		t.Fatal(err)
	}
	// follow_count(fan), follower_count(author), work_count(author),
	// videos.favorite_count(v1, v2), videos.comment_count(v1),
	// users.favorite_count(fan, author), total_favorited(author).
	if len(drifts) != 9 {
		t.Fatalf("fixed %d counters, want 9: %v", len(drifts), drifts)
	}
	var a, f userdal.User
	must(gdb.First(&a, author.ID).Error)
	must(gdb.First(&f, fan.ID).Error)
	if a.FollowerCount != 1 || a.WorkCount != 2 || a.TotalFavorited != 2 || a.FavoriteCount != 1 || f.FollowCount != 1 || f.FavoriteCount != 1 {
		t.Fatalf("users after reconcile: author %+v fan %+v", a, f)
	}
	var got1, got2 videodal.Video
	must(gdb.First(&got1, v1.ID).Error)
	must(gdb.First(&got2, v2.ID).Error)
	if got1.FavoriteCount != 2 || got1.CommentCount != 1 || got2.FavoriteCount != 0 {
		t.Fatalf("videos after reconcile: %+v %+v", got1, got2)
	}
	again, err := ReconcileDB(ctx, gdb)
	if err != nil || len(again) != 0 {
		t.Fatalf("second run fixed %v (err %v), want nothing", again, err)
	}
}

// A dry run reports the drift and fixes nothing.
func TestDryRunFixesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.DataDir = dir
	gdb, err := db.Open("", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(gdb)
	if _, err := ReconcileDB(ctx, gdb); err != nil {
		t.Fatal(err)
	}
	u := userdal.User{Username: "drifted", PasswordHash: "x", CreatedAt: time.Now().UTC(), FollowerCount: 3}
	if err := gdb.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	for range 2 {
		var out bytes.Buffer
		if err := Run(ctx, cfg, &out, true); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "reconcile: 1 counter(s) drifted") {
			t.Fatalf("dry run said %q, want one drifted counter", out.String())
		}
	}
}
