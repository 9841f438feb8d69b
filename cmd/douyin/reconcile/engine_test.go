package reconcile

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/testutil"
)

type post struct {
	ID       int64 `gorm:"primaryKey;autoIncrement:false"`
	Likes    int64 `gorm:"not null;default:0"`
	Comments int64 `gorm:"not null;default:0"`
}

type like struct {
	PostID int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID int64 `gorm:"primaryKey;autoIncrement:false"`
}

type comment struct {
	ID     int64 `gorm:"primaryKey"`
	PostID int64 `gorm:"not null"`
}

var counters = []Counter{
	{Table: "posts", Column: "likes", Source: "SELECT post_id AS id, COUNT(*) AS n FROM likes GROUP BY post_id"},
	{Table: "posts", Column: "comments", Source: "SELECT post_id AS id, COUNT(*) AS n FROM comments GROUP BY post_id"},
}

func setup(t *testing.T) *gorm.DB {
	t.Helper()
	db := testutil.DB(t)
	if err := db.AutoMigrate(&post{}, &like{}, &comment{}); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// True counts: post 1 has 2 likes and 1 comment, post 2 has 1 like,
	// post 3 nothing.
	must(db.Create([]post{{ID: 1, Likes: 2, Comments: 0}, {ID: 2, Likes: 7, Comments: 0}, {ID: 3, Likes: 0, Comments: -1}}).Error)
	must(db.Create([]like{{1, 10}, {1, 11}, {2, 10}}).Error)
	must(db.Create([]comment{{PostID: 1}}).Error)
	return db
}

func TestRunFixesDriftAndReportsIt(t *testing.T) {
	db := setup(t)
	ctx := context.Background()
	drifts, err := fixAll(ctx, db, counters...)
	if err != nil {
		t.Fatal(err)
	}
	want := map[Drift]bool{
		{Table: "posts", Column: "likes", ID: 2, Was: 7, Now: 1}:     true,
		{Table: "posts", Column: "comments", ID: 1, Was: 0, Now: 1}:  true,
		{Table: "posts", Column: "comments", ID: 3, Was: -1, Now: 0}: true,
	}
	if len(drifts) != len(want) {
		t.Fatalf("drifts %v, want %v", drifts, want)
	}
	for _, d := range drifts {
		if !want[d] {
			t.Fatalf("unexpected drift %v (all: %v)", d, drifts)
		}
	}
	var posts []post
	if err := db.Order("id").Find(&posts).Error; err != nil {
		t.Fatal(err)
	}
	wantPosts := []post{{1, 2, 1}, {2, 1, 0}, {3, 0, 0}}
	for i, p := range posts {
		if p != wantPosts[i] {
			t.Fatalf("post %d = %+v, want %+v", p.ID, p, wantPosts[i])
		}
	}
	again, err := fixAll(ctx, db, counters...)
	if err != nil || len(again) != 0 {
		t.Fatalf("second run: %v, %v; want nothing", again, err)
	}
}

func TestRunReportsWhichCounterFailed(t *testing.T) {
	db := setup(t)
	bad := Counter{Table: "posts", Column: "shares", Source: "SELECT post_id AS id, COUNT(*) AS n FROM shares GROUP BY post_id"}
	drifts, err := fixAll(context.Background(), db, counters[0], bad, counters[1])
	if err == nil || !strings.Contains(err.Error(), "posts.shares") {
		t.Fatalf("err = %v, want one naming posts.shares", err)
	}
	// What was fixed before the failure is reported; later counters are not run.
	if len(drifts) != 1 || drifts[0].Column != "likes" {
		t.Fatalf("drifts %v, want the one likes drift", drifts)
	}
}

func TestDriftString(t *testing.T) {
	d := Drift{Table: "users", Column: "follower_count", ID: 42, Was: 3, Now: 5}
	if got, want := d.String(), "users.follower_count id=42: 3 -> 5"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
}

func TestRunWithNoCounters(t *testing.T) {
	drifts, err := fixAll(context.Background(), testutil.DB(t))
	if err != nil || len(drifts) != 0 {
		t.Fatalf("%v, %v", drifts, err)
	}
}
