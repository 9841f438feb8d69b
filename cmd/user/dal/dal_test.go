package dal

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/paging"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// These tests run on MariaDB and Redis when DOUYIN_TEST_MYSQL_DSN and
// DOUYIN_TEST_REDIS_ADDR are set, on SQLite and in-process Redis otherwise.

type env struct {
	db     *gorm.DB
	store  *cache.Client
	users  *Users
	rels   *Relations
	outbox *eventbus.Outbox
}

func newEnv(t *testing.T) *env {
	t.Helper()
	gdb := testutil.DB(t)
	store := testutil.Cache(t)
	outbox := eventbus.NewOutbox(OutboxTable)
	if err := Migrate(gdb); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if err := outbox.Migrate(gdb); err != nil {
		t.Fatalf("migrate outbox: %v", err)
	}
	return &env{db: gdb, store: store, users: NewUsers(gdb, store), rels: &Relations{Tables: eventbus.Tables{DB: gdb, Outbox: outbox}}, outbox: outbox}
}

// createUsers creates users named by names and returns their ids.
func (e *env) createUsers(t *testing.T, names ...string) []int64 {
	t.Helper()
	ids := make([]int64, len(names))
	for i, n := range names {
		u := &User{Username: n, PasswordHash: "hash", CreatedAt: time.Now().UTC()}
		if err := e.users.Create(context.Background(), u); err != nil {
			t.Fatalf("create %q: %v", n, err)
		}
		if u.ID <= 0 {
			t.Fatalf("create %q: id %d", n, u.ID)
		}
		ids[i] = u.ID
	}
	return ids
}

// row reads a user straight from the database, bypassing the cache.
func (e *env) row(t *testing.T, id int64) User {
	t.Helper()
	var u User
	if err := e.db.Take(&u, "id = ?", id).Error; err != nil {
		t.Fatalf("read user %d: %v", id, err)
	}
	return u
}

func (e *env) pending(t *testing.T) int64 {
	t.Helper()
	n, err := e.outbox.Pending(context.Background(), e.db)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestConcurrentRegistrationsOfOneNameHaveOneWinner(t *testing.T) {
	e := newEnv(t)
	const n = 10
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			errs[i] = e.users.Create(context.Background(), &User{Username: "racer", PasswordHash: fmt.Sprint("h", i), CreatedAt: time.Now().UTC()})
		}(i)
	}
	close(start)
	wg.Wait()
	wins, dups := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, ErrDuplicate):
			dups++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 || dups != n-1 {
		t.Fatalf("%d won, %d duplicates; want 1 and %d", wins, dups, n-1)
	}
	var count int64
	if err := e.db.Model(&User{}).Where("username = ?", "racer").Count(&count).Error; err != nil || count != 1 {
		t.Fatalf("%d rows named racer (err %v), want 1", count, err)
	}
}

func TestUsernamesCompareExactly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pairs := [][2]string{
		{"Bob", "bob"},
		{"José", "Jose"},
		{"straße", "strasse"},
		{"ＢＯＢ", "BOB"},        // full-width letters are other characters
		{"\u00e9", "e\u0301"}, // precomposed vs combining accent
	}
	for _, p := range pairs {
		t.Run(p[0]+"/"+p[1], func(t *testing.T) {
			ids := e.createUsers(t, p[0], p[1])
			if ids[0] == ids[1] {
				t.Fatal("same id")
			}
			for i, name := range p {
				u, err := e.users.ByUsername(ctx, name)
				if err != nil {
					t.Fatalf("ByUsername(%q): %v", name, err)
				}
				if u.ID != ids[i] || u.Username != name {
					t.Fatalf("ByUsername(%q) = %d %q, want %d", name, u.ID, u.Username, ids[i])
				}
			}
		})
	}
	t.Run("exact duplicate", func(t *testing.T) {
		err := e.users.Create(ctx, &User{Username: "Bob", PasswordHash: "x", CreatedAt: time.Now().UTC()})
		if !errors.Is(err, ErrDuplicate) {
			t.Fatalf("second Bob: %v, want ErrDuplicate", err)
		}
	})
	t.Run("quotes stored literally", func(t *testing.T) {
		name := `O'Brien "x" \ %_;--`
		ids := e.createUsers(t, name)
		got, err := e.users.ByIDs(ctx, ids)
		if err != nil || got[ids[0]].Username != name {
			t.Fatalf("ByIDs = %+v, %v", got, err)
		}
		if _, err := e.users.ByUsername(ctx, `O'Brien "x" \ __;--`); !errors.Is(err, ErrNotFound) {
			t.Fatalf("LIKE-style wildcard matched: %v", err)
		}
	})
	t.Run("trailing spaces are part of the name", func(t *testing.T) {
		// MariaDB's PAD SPACE collations compare "Bob " equal to "Bob".
		for _, name := range []string{"Bob ", "Bob  ", " Bob"} {
			if u, err := e.users.ByUsername(ctx, name); !errors.Is(err, ErrNotFound) {
				t.Fatalf("ByUsername(%q) = %+v, %v; want ErrNotFound", name, u, err)
			}
		}
	})
	t.Run("longest names fit the column", func(t *testing.T) {
		for _, name := range []string{strings.Repeat("z", 32), strings.Repeat("名", 32), strings.Repeat("😀", 32)} {
			ids := e.createUsers(t, name)
			u, err := e.users.ByUsername(ctx, name)
			if err != nil || u.ID != ids[0] || u.Username != name {
				t.Fatalf("ByUsername(32 chars) = %+v, %v", u, err)
			}
		}
	})
	t.Run("unknown", func(t *testing.T) {
		u, err := e.users.ByUsername(ctx, "nobody")
		if !errors.Is(err, ErrNotFound) || u != nil {
			t.Fatalf("ByUsername(nobody) = %+v, %v; want ErrNotFound", u, err)
		}
	})
}

func TestUserDefaultsAndByIDs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.createUsers(t, "a", "b")
	got, err := e.users.ByIDs(ctx, []int64{ids[1], 9999, ids[0], ids[1]})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d users, want 2: %+v", len(got), got)
	}
	for i, id := range ids {
		u := got[id]
		if u.ID != id || u.Username != []string{"a", "b"}[i] {
			t.Fatalf("user %d = %+v", id, u)
		}
		if u.FollowCount != 0 || u.FollowerCount != 0 || u.TotalFavorited != 0 || u.WorkCount != 0 || u.FavoriteCount != 0 || u.Signature != "" {
			t.Fatalf("new user has non-zero fields: %+v", u)
		}
	}
	// Served from the cache the second time, still complete.
	again, err := e.users.ByIDs(ctx, []int64{ids[0], ids[1]})
	if err != nil || len(again) != 2 || again[ids[0]].Username != "a" || again[ids[1]].Username != "b" {
		t.Fatalf("cached ByIDs = %+v, %v", again, err)
	}
	empty, err := e.users.ByIDs(ctx, nil)
	if err != nil || len(empty) != 0 {
		t.Fatalf("ByIDs(nil) = %+v, %v", empty, err)
	}
}

func TestFollowEventsOnlyWhenTheEdgeChanges(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.createUsers(t, "a", "b")
	a, b := ids[0], ids[1]
	follow := func(ctx context.Context, a, b int64) ([]string, error) {
		return e.rels.Follow(ctx, a, b, time.Now().UTC())
	}
	steps := []struct {
		name        string
		change      func(context.Context, int64, int64) ([]string, error)
		wantEvents  int
		wantEdge    bool
		wantPending int64
	}{
		{"follow", follow, 1, true, 1},
		{"follow again", follow, 0, true, 1},
		{"unfollow", e.rels.Unfollow, 1, false, 2},
		{"unfollow again", e.rels.Unfollow, 0, false, 2},
		{"follow once more", follow, 1, true, 3},
	}
	seen := map[string]bool{}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			evs, err := st.change(ctx, a, b)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != st.wantEvents {
				t.Fatalf("%d event ids %v, want %d", len(evs), evs, st.wantEvents)
			}
			for _, id := range evs {
				if id == "" || seen[id] {
					t.Fatalf("event id %q empty or reused", id)
				}
				seen[id] = true
			}
			following, err := e.rels.Following(ctx, a, []int64{b})
			if err != nil || following[b] != st.wantEdge {
				t.Fatalf("Following = %v, %v; want edge %v", following, err, st.wantEdge)
			}
			if n := e.pending(t); n != st.wantPending {
				t.Fatalf("outbox holds %d events, want %d", n, st.wantPending)
			}
			// Actions never touch counters; the consumer does.
			if r := e.row(t, b); r.FollowerCount != 0 {
				t.Fatalf("follower_count changed by the action: %d", r.FollowerCount)
			}
		})
	}
	// The reverse edge is independent.
	if f, _ := e.rels.Following(ctx, b, []int64{a}); f[a] {
		t.Fatal("b follows a without having followed")
	}
}

func TestConcurrentFollowOfOneEdgeWritesOneEvent(t *testing.T) {
	e := newEnv(t)
	ids := e.createUsers(t, "a", "b")
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			evs, err := e.rels.Follow(context.Background(), ids[0], ids[1], time.Now().UTC())
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			total += len(evs)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != 1 || e.pending(t) != 1 {
		t.Fatalf("%d event ids returned, %d in the outbox; want 1 and 1", total, e.pending(t))
	}
}

func TestRelationQueries(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.createUsers(t, "a", "b", "c", "d", "lonely")
	a, b, c, d, lonely := ids[0], ids[1], ids[2], ids[3], ids[4]
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	// a follows c, then b, then d; b and d follow a back; c follows b.
	edges := []struct{ from, to int64 }{{a, c}, {a, b}, {b, a}, {a, d}, {c, b}, {d, a}}
	for i, ed := range edges {
		// Distinct times, so the order does not depend on clock resolution.
		if _, err := e.rels.Follow(ctx, ed.from, ed.to, base.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		got  func() ([]int64, error)
		want []int64
	}{
		{"followees of a, most recent first", func() ([]int64, error) { return idsOf(e.rels.FolloweesOf(ctx, a, paging.Pos{}, paging.Default)) }, []int64{d, b, c}},
		{"followers of a", func() ([]int64, error) { return idsOf(e.rels.FollowersOf(ctx, a, paging.Pos{}, paging.Default)) }, []int64{d, b}},
		{"followers of b", func() ([]int64, error) { return idsOf(e.rels.FollowersOf(ctx, b, paging.Pos{}, paging.Default)) }, []int64{c, a}},
		{"friends of a are mutual only", func() ([]int64, error) { return idsOf(e.rels.FriendsOf(ctx, a, paging.Pos{}, paging.Default)) }, []int64{d, b}},
		{"friends of b", func() ([]int64, error) { return idsOf(e.rels.FriendsOf(ctx, b, paging.Pos{}, paging.Default)) }, []int64{a}},
		{"c follows b who does not follow back", func() ([]int64, error) { return idsOf(e.rels.FriendsOf(ctx, c, paging.Pos{}, paging.Default)) }, nil},
		{"lonely follows nobody", func() ([]int64, error) { return idsOf(e.rels.FolloweesOf(ctx, lonely, paging.Pos{}, paging.Default)) }, nil},
		{"nobody follows lonely", func() ([]int64, error) { return idsOf(e.rels.FollowersOf(ctx, lonely, paging.Pos{}, paging.Default)) }, nil},
		{"lonely has no friends", func() ([]int64, error) { return idsOf(e.rels.FriendsOf(ctx, lonely, paging.Pos{}, paging.Default)) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.got()
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("ties on created_at break by id, newest id first", func(t *testing.T) {
		if err := e.db.Model(&Follow{}).Where("follower_id = ?", a).Update("created_at", base).Error; err != nil {
			t.Fatal(err)
		}
		got, err := idsOf(e.rels.FolloweesOf(ctx, a, paging.Pos{}, paging.Default))
		if err != nil || !reflect.DeepEqual(got, []int64{d, c, b}) {
			t.Fatalf("got %v, %v; want %v", got, err, []int64{d, c, b})
		}
	})

	t.Run("unfollow ends a friendship", func(t *testing.T) {
		if _, err := e.rels.Unfollow(ctx, d, a); err != nil {
			t.Fatal(err)
		}
		got, err := idsOf(e.rels.FriendsOf(ctx, a, paging.Pos{}, paging.Default))
		if err != nil || !reflect.DeepEqual(got, []int64{b}) {
			t.Fatalf("friends of a = %v, %v; want [b]", got, err)
		}
		got, err = idsOf(e.rels.FriendsOf(ctx, d, paging.Pos{}, paging.Default))
		if err != nil || len(got) != 0 {
			t.Fatalf("friends of d = %v, %v; want none", got, err)
		}
	})

	t.Run("Following", func(t *testing.T) {
		cases := []struct {
			viewer int64
			ids    []int64
			want   map[int64]bool
		}{
			{a, []int64{b, c, d, lonely, a, 9999}, map[int64]bool{b: true, c: true, d: true}},
			{b, []int64{a, c, d}, map[int64]bool{a: true}},
			{lonely, []int64{a, b}, map[int64]bool{}},
			{0, []int64{a, b, c}, map[int64]bool{}},
			{a, nil, map[int64]bool{}},
		}
		for _, cs := range cases {
			got, err := e.rels.Following(ctx, cs.viewer, cs.ids)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || !reflect.DeepEqual(got, cs.want) {
				t.Fatalf("Following(%d, %v) = %v, want %v", cs.viewer, cs.ids, got, cs.want)
			}
		}
	})
}

// setCounter changes a counter behind the cache's back, as the consumer does.
func (e *env) setCounter(t *testing.T, id int64, column string, v int64) {
	t.Helper()
	if err := e.db.Model(&User{}).Where("id = ?", id).UpdateColumn(column, v).Error; err != nil {
		t.Fatal(err)
	}
}

func (e *env) cached(t *testing.T, id int64) User {
	t.Helper()
	got, err := e.users.ByIDs(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	u, ok := got[id]
	if !ok {
		t.Fatalf("user %d not found", id)
	}
	return u
}

func TestByIDsIsFreshAfterInvalidate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.createUsers(t, "a", "b")
	a, b := ids[0], ids[1]
	// Warm the cache.
	if got := e.cached(t, a); got.FollowerCount != 0 {
		t.Fatalf("follower_count %d", got.FollowerCount)
	}
	e.cached(t, b)

	e.setCounter(t, a, "follower_count", 7)
	e.setCounter(t, b, "work_count", 3)
	// Without an invalidation the cached copy is served: the cache is real.
	if got := e.cached(t, a); got.FollowerCount != 0 {
		t.Fatalf("follower_count %d before invalidation: ByIDs does not cache", got.FollowerCount)
	}
	if err := e.users.Invalidate(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got := e.cached(t, a); got.FollowerCount != 7 {
		t.Fatalf("follower_count %d after invalidation, want 7", got.FollowerCount)
	}
	// Only a was invalidated.
	if got := e.cached(t, b); got.WorkCount != 0 {
		t.Fatalf("work_count %d: b was never invalidated", got.WorkCount)
	}
	// Invalidating several ids, repeatedly, keeps working.
	for i := int64(1); i <= 3; i++ {
		e.setCounter(t, a, "follower_count", 7+i)
		e.setCounter(t, b, "work_count", 3+i)
		if err := e.users.Invalidate(ctx, a, b); err != nil {
			t.Fatal(err)
		}
		got, err := e.users.ByIDs(ctx, []int64{a, b})
		if err != nil {
			t.Fatal(err)
		}
		if got[a].FollowerCount != 7+i || got[b].WorkCount != 3+i {
			t.Fatalf("round %d: follower_count %d work_count %d, want %d %d", i, got[a].FollowerCount, got[b].WorkCount, 7+i, 3+i)
		}
	}
}

func TestStaleFillRacingAnInvalidationIsNeverServed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.createUsers(t, "a")[0]
	for round := int64(1); round <= 3; round++ {
		// A reader misses and reads the row...
		lookup := e.users.cache.Get(ctx, []int64{id})
		if len(lookup.Missed) != 1 {
			t.Fatalf("round %d: want a miss, got %+v", round, lookup)
		}
		old := e.row(t, id)
		// ...meanwhile the consumer commits a new count and invalidates...
		e.setCounter(t, id, "follower_count", round)
		if err := e.users.Invalidate(ctx, id); err != nil {
			t.Fatal(err)
		}
		// ...then the slow reader fills the cache with what it read.
		e.users.cache.Fill(ctx, lookup, map[int64]User{id: old})
		if got := e.cached(t, id); got.FollowerCount != round {
			t.Fatalf("round %d: served follower_count %d from a stale fill, want %d", round, got.FollowerCount, round)
		}
		// The fresh value is cached now; invalidate for the next round.
		if err := e.users.Invalidate(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
}

func TestByIDsWorksWithoutRedis(t *testing.T) {
	e := newEnv(t)
	ids := e.createUsers(t, "a")
	// A closed client fails every command: reads fall back to the database.
	_ = e.store.Close()
	got, err := e.users.ByIDs(context.Background(), ids)
	if err != nil || got[ids[0]].Username != "a" {
		t.Fatalf("ByIDs with Redis down = %+v, %v", got, err)
	}
	if err := e.users.Invalidate(context.Background(), ids[0]); err == nil {
		t.Fatal("Invalidate with Redis down reported success")
	}
}

// idsOf is the user ids of a page.
func idsOf(page []paging.Pos, err error) ([]int64, error) {
	var ids []int64
	for _, p := range page {
		ids = append(ids, p.ID)
	}
	return ids, err
}

// Pages of a list, read one after another through their cursors, visit
// every edge exactly once, newest first, even when times tie.
func TestRelationPagesVisitEveryEdgeOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.createUsers(t, "star", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11")
	star, fans := ids[0], ids[1:]
	base := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for i, fan := range fans {
		// Three fans a second: ties, broken by id.
		if _, err := e.rels.Follow(ctx, fan, star, base.Add(time.Duration(i/3)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	for _, size := range []int{1, 4, 11, 50} {
		var seen []paging.Pos
		after := paging.Pos{}
		for {
			page, err := e.rels.FollowersOf(ctx, star, after, size)
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, page...)
			if len(page) < size {
				break
			}
			after = page[len(page)-1]
		}
		if len(seen) != len(fans) {
			t.Fatalf("size %d: pages visited %d edges, want %d: %v", size, len(seen), len(fans), seen)
		}
		for i := 1; i < len(seen); i++ {
			a, b := seen[i-1], seen[i]
			if a.At < b.At || a.At == b.At && a.ID <= b.ID {
				t.Fatalf("size %d: %v then %v is not strictly newest first", size, a, b)
			}
		}
	}
}

// The friends table follows the follows: a mutual follow makes both
// directions, an unfollow ends them, and a database from before the table
// existed gets it filled on migration.
func TestFriendsFollowTheFollows(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.createUsers(t, "a", "b", "c")
	a, b, c := ids[0], ids[1], ids[2]
	friends := func() int64 { return e.count(t, &Friend{}) }
	now := time.Now()
	if _, err := e.rels.Follow(ctx, a, b, now); err != nil {
		t.Fatal(err)
	}
	if friends() != 0 {
		t.Fatal("a one-way follow made friends")
	}
	if _, err := e.rels.Follow(ctx, b, a, now); err != nil {
		t.Fatal(err)
	}
	if _, err := e.rels.Follow(ctx, c, a, now); err != nil {
		t.Fatal(err)
	}
	if friends() != 2 {
		t.Fatalf("%d friend rows after a mutual follow, want 2", friends())
	}
	if err := e.db.Migrator().DropTable(&Friend{}); err != nil {
		t.Fatal(err)
	}
	if err := Migrate(e.db); err != nil {
		t.Fatal(err)
	}
	if got, _ := idsOf(e.rels.FriendsOf(ctx, b, paging.Pos{}, 10)); !reflect.DeepEqual(got, []int64{a}) {
		t.Fatalf("after the backfill b's friends are %v, want [a]", got)
	}
	if _, err := e.rels.Unfollow(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	if friends() != 0 {
		t.Fatalf("%d friend rows after an unfollow, want 0", friends())
	}
}

// Two user-service instances cache lists and flags; a follow through one
// is seen at once by the other.
func TestCachedRelationsSeeEveryInstancesChanges(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.createUsers(t, "a", "b")
	a, b := ids[0], ids[1]
	one, other := NewCachedRelations(e.rels, e.store), NewCachedRelations(e.rels, e.store)
	read := func(c *CachedRelations) (bool, []int64, []int64) {
		flags, err := c.Following(ctx, a, []int64{b})
		if err != nil {
			t.Fatal(err)
		}
		followers, err := idsOf(c.FollowersOf(ctx, b, paging.Pos{}, 10))
		if err != nil {
			t.Fatal(err)
		}
		friends, err := idsOf(c.FriendsOf(ctx, a, paging.Pos{}, 10))
		if err != nil {
			t.Fatal(err)
		}
		return flags[b], followers, friends
	}
	if f, fol, _ := read(one); f || len(fol) != 0 {
		t.Fatalf("before: is_follow %v followers %v", f, fol)
	}
	if _, err := other.Follow(ctx, a, b, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Follow(ctx, b, a, time.Now()); err != nil {
		t.Fatal(err)
	}
	if f, fol, fr := read(one); !f || !reflect.DeepEqual(fol, []int64{a}) || !reflect.DeepEqual(fr, []int64{b}) {
		t.Fatalf("after a follow elsewhere: is_follow %v followers %v friends %v", f, fol, fr)
	}
	if _, err := other.Unfollow(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	if f, fol, fr := read(one); f || len(fol) != 0 || len(fr) != 0 {
		t.Fatalf("after an unfollow elsewhere: is_follow %v followers %v friends %v", f, fol, fr)
	}
}

// count counts the rows of model.
func (e *env) count(t *testing.T, model any) int64 {
	t.Helper()
	var n int64
	if err := e.db.Model(model).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
