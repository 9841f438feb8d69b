package reconcile

import (
	"context"
	"sort"
	"testing"

	"time"

	"gorm.io/gorm"

	userdal "github.com/douyin-go/douyin/cmd/user/dal"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// followEnv is a user database with follows and nothing else.
type followEnv struct{ db *gorm.DB }

func (e followEnv) createUsers(t *testing.T, names ...string) []int64 {
	t.Helper()
	ids := make([]int64, len(names))
	for i, name := range names {
		u := userdal.User{Username: name, PasswordHash: "x", CreatedAt: time.Now().UTC()}
		if err := e.db.Create(&u).Error; err != nil {
			t.Fatal(err)
		}
		ids[i] = u.ID
	}
	return ids
}

func (e followEnv) setCounter(t *testing.T, id int64, column string, v int64) {
	t.Helper()
	if err := e.db.Model(&userdal.User{}).Where("id = ?", id).UpdateColumn(column, v).Error; err != nil {
		t.Fatal(err)
	}
}

func (e followEnv) row(t *testing.T, id int64) userdal.User {
	t.Helper()
	var u userdal.User
	if err := e.db.Take(&u, "id = ?", id).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

func TestReconcileFollowCounters(t *testing.T) {
	e := followEnv{db: testutil.DB(t)}
	if err := userdal.Migrate(e.db); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ids := e.createUsers(t, "a", "b", "c", "d")
	a, b, c, d := ids[0], ids[1], ids[2], ids[3]
	for _, ed := range [][2]int64{{a, b}, {c, b}, {a, c}} {
		if err := e.db.Create(&userdal.Follow{FollowerID: ed[0], FolloweeID: ed[1], CreatedAt: time.Now().UTC()}).Error; err != nil {
			t.Fatal(err)
		}
	}
	// True counts: a follows 2; b has 2 followers; c follows 1 and has 1
	// follower; d has none. Corrupt some, leave others right.
	set := []struct {
		id     int64
		column string
		v      int64
	}{
		{a, "follow_count", 5},    // too high
		{b, "follower_count", 0},  // lost events
		{c, "follow_count", 1},    // right
		{c, "follower_count", -3}, // negative
		{d, "follower_count", 4},  // no rows at all: must become 0
		{b, "work_count", 9},      // not a follow counter: left alone
	}
	for _, s := range set {
		e.setCounter(t, s.id, s.column, s.v)
	}

	drifts, err := fixAll(ctx, e.db, followCounters()...)
	if err != nil {
		t.Fatal(err)
	}
	want := []Drift{
		{Table: "users", Column: "follow_count", ID: a, Was: 5, Now: 2},
		{Table: "users", Column: "follower_count", ID: b, Was: 0, Now: 2},
		{Table: "users", Column: "follower_count", ID: c, Was: -3, Now: 1},
		{Table: "users", Column: "follower_count", ID: d, Was: 4, Now: 0},
	}
	sortDrifts(drifts)
	sortDrifts(want)
	if len(drifts) != len(want) {
		t.Fatalf("drifts %v, want %v", drifts, want)
	}
	for i := range want {
		if drifts[i] != want[i] {
			t.Fatalf("drift %d = %v, want %v", i, drifts[i], want[i])
		}
	}

	wantRows := map[int64][3]int64{ // follow, follower, work
		a: {2, 0, 0}, b: {0, 2, 9}, c: {1, 1, 0}, d: {0, 0, 0},
	}
	for id, w := range wantRows {
		r := e.row(t, id)
		if got := [3]int64{r.FollowCount, r.FollowerCount, r.WorkCount}; got != w {
			t.Fatalf("user %d after reconcile: follow/follower/work %v, want %v", id, got, w)
		}
	}

	again, err := fixAll(ctx, e.db, followCounters()...)
	if err != nil || len(again) != 0 {
		t.Fatalf("second run = %v, %v; want no drift", again, err)
	}
}

func sortDrifts(ds []Drift) {
	sort.Slice(ds, func(i, j int) bool {
		if ds[i].Column != ds[j].Column {
			return ds[i].Column < ds[j].Column
		}
		return ds[i].ID < ds[j].ID
	})
}
