package cache_test

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// These tests run on the Redis of DOUYIN_TEST_REDIS_ADDR when set, else on
// an in-process one.

type profile struct {
	Name  string
	Count int64
	Tags  []string
}

func TestStoreKey(t *testing.T) {
	tests := []struct {
		prefix string
		parts  []string
		want   string
	}{
		{"douyin:", nil, "douyin:"},
		{"douyin:", []string{"user"}, "douyin:user"},
		{"douyin:", []string{"user", "42"}, "douyin:user:42"},
		{"douyin:", []string{"user", "gen", "42"}, "douyin:user:gen:42"},
		{"", []string{"a", "b"}, "a:b"},
		{"p-", []string{"", "x"}, "p-:x"},
	}
	for _, tt := range tests {
		s := &cache.Client{Prefix: tt.prefix}
		if got := s.Key(tt.parts...); got != tt.want {
			t.Errorf("Client{Prefix:%q}.Key(%q) = %q, want %q", tt.prefix, tt.parts, got, tt.want)
		}
	}
}

func newEntities(t *testing.T) (*cache.Client, *cache.Entities[profile]) {
	t.Helper()
	store := testutil.Cache(t)
	return store, cache.NewEntities[profile](store, "profile", time.Minute)
}

func missed(l cache.Lookup[profile]) []int64 {
	m := append([]int64(nil), l.Missed...)
	sort.Slice(m, func(i, j int) bool { return m[i] < m[j] })
	return m
}

func TestGetFillInvalidate(t *testing.T) {
	_, e := newEntities(t)
	ctx := context.Background()
	p1 := profile{Name: "one", Count: 1, Tags: []string{"a", "b"}}
	p2 := profile{Name: "two", Count: 2}

	if l := e.Get(ctx, nil); len(l.Found) != 0 || len(l.Missed) != 0 {
		t.Fatalf("Get(nil) = %+v", l)
	}
	l := e.Get(ctx, []int64{1, 2, 3})
	if len(l.Found) != 0 || !reflect.DeepEqual(missed(l), []int64{1, 2, 3}) {
		t.Fatalf("cold Get = %+v, want all missed", l)
	}
	// 3 does not exist in the source: nothing is cached for it.
	e.Fill(ctx, l, map[int64]profile{1: p1, 2: p2})

	l = e.Get(ctx, []int64{1, 2, 3})
	if !reflect.DeepEqual(l.Found, map[int64]profile{1: p1, 2: p2}) || !reflect.DeepEqual(missed(l), []int64{3}) {
		t.Fatalf("warm Get = %+v", l)
	}

	if err := e.Invalidate(ctx, 1); err != nil {
		t.Fatal(err)
	}
	l = e.Get(ctx, []int64{1, 2})
	if !reflect.DeepEqual(l.Found, map[int64]profile{2: p2}) || !reflect.DeepEqual(missed(l), []int64{1}) {
		t.Fatalf("Get after invalidating 1 = %+v", l)
	}
	p1.Count = 10
	e.Fill(ctx, l, map[int64]profile{1: p1})
	l = e.Get(ctx, []int64{1})
	if got := l.Found[1]; got.Count != 10 {
		t.Fatalf("refilled value %+v, want count 10", got)
	}

	// Invalidating an id never cached is fine, and several at once work.
	if err := e.Invalidate(ctx, 1, 2, 99); err != nil {
		t.Fatal(err)
	}
	if l := e.Get(ctx, []int64{1, 2}); len(l.Found) != 0 {
		t.Fatalf("Get after invalidating all = %+v", l)
	}
	e.Fill(ctx, cache.Lookup[profile]{}, nil) // no-op
}

func TestFillRacingInvalidateIsNeverServed(t *testing.T) {
	_, e := newEntities(t)
	ctx := context.Background()
	old, fresh := profile{Name: "x", Count: 1}, profile{Name: "x", Count: 2}

	for _, warm := range []bool{false, true} {
		if warm {
			l := e.Get(ctx, []int64{7})
			e.Fill(ctx, l, map[int64]profile{7: old})
			if err := e.Invalidate(ctx, 7); err != nil {
				t.Fatal(err)
			}
		}
		// A reader misses and reads the old value from the source...
		slow := e.Get(ctx, []int64{7})
		// ...the source changes and the writer invalidates...
		if err := e.Invalidate(ctx, 7); err != nil {
			t.Fatal(err)
		}
		// ...another reader reads the new value and fills it...
		quick := e.Get(ctx, []int64{7})
		e.Fill(ctx, quick, map[int64]profile{7: fresh})
		if got, ok := e.Get(ctx, []int64{7}).Found[7]; !ok || got.Count != 2 {
			t.Fatalf("warm=%v: served %+v, want count 2", warm, got)
		}
		// ...and the slow reader's late fill overwrites it with the old one.
		e.Fill(ctx, slow, map[int64]profile{7: old})
		l := e.Get(ctx, []int64{7})
		if got, ok := l.Found[7]; ok {
			t.Fatalf("warm=%v: served %+v from a fill that raced an invalidation", warm, got)
		}
		// The next read refills correctly.
		e.Fill(ctx, l, map[int64]profile{7: fresh})
		if got := e.Get(ctx, []int64{7}).Found[7]; got.Count != 2 {
			t.Fatalf("warm=%v: after refill %+v, want count 2", warm, got)
		}
		if err := e.Invalidate(ctx, 7); err != nil {
			t.Fatal(err)
		}
	}
}

func TestKeysStayUnderTheStorePrefix(t *testing.T) {
	ctx := context.Background()
	addr := testutil.RedisAddr(t)
	s1 := cache.New(addr, "", testutil.KeyPrefix(t))
	s2 := cache.New(addr, "", testutil.KeyPrefix(t))
	t.Cleanup(func() { _ = s1.Close(); _ = s2.Close() })
	e1 := cache.NewEntities[profile](s1, "profile", time.Minute)
	e2 := cache.NewEntities[profile](s2, "profile", time.Minute)
	other := cache.NewEntities[profile](s1, "other", time.Minute)

	e1.Fill(ctx, e1.Get(ctx, []int64{1}), map[int64]profile{1: {Name: "s1"}})
	if err := e1.Invalidate(ctx, 2); err != nil {
		t.Fatal(err)
	}
	// Another prefix or another entity name sees nothing of it.
	if l := e2.Get(ctx, []int64{1}); len(l.Found) != 0 {
		t.Fatalf("store with another prefix sees %+v", l.Found)
	}
	if l := other.Get(ctx, []int64{1}); len(l.Found) != 0 {
		t.Fatalf("entities of another name see %+v", l.Found)
	}
	// And invalidations there do not touch it.
	if err := e2.Invalidate(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := other.Invalidate(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if l := e1.Get(ctx, []int64{1}); l.Found[1].Name != "s1" {
		t.Fatalf("value lost to an invalidation elsewhere: %+v", l)
	}
	keys, err := s1.RDB.Keys(ctx, s1.Prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("no keys under the store's prefix")
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, s1.Key("profile")) && !strings.HasPrefix(k, s1.Key("other")) {
			t.Fatalf("key %q is not under its entity name", k)
		}
	}
}

func TestCachedValuesExpire(t *testing.T) {
	store, e := newEntities(t)
	ctx := context.Background()
	e.Fill(ctx, e.Get(ctx, []int64{5}), map[int64]profile{5: {Name: "x"}})
	ttl, err := store.RDB.TTL(ctx, store.Key("profile", "5")).Result()
	if err != nil || ttl <= 0 || ttl > time.Minute {
		t.Fatalf("value TTL %v (err %v), want within (0, 1m]", ttl, err)
	}
	if err := e.Invalidate(ctx, 5); err != nil {
		t.Fatal(err)
	}
	// The invalidated copy is dropped, not merely ignored.
	if n, err := store.RDB.Exists(ctx, store.Key("profile", "5")).Result(); err != nil || n != 0 {
		t.Fatalf("value still stored after Invalidate (exists=%d, err %v)", n, err)
	}
	genTTL, err := store.RDB.TTL(ctx, store.Key("profile", "gen", "5")).Result()
	if err != nil || genTTL <= time.Minute {
		t.Fatalf("generation TTL %v (err %v), want longer than the value TTL", genTTL, err)
	}
}

func TestUnreadableValueIsAMiss(t *testing.T) {
	store, e := newEntities(t)
	ctx := context.Background()
	if err := store.RDB.Set(ctx, store.Key("profile", "3"), "not json", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if l := e.Get(ctx, []int64{3}); len(l.Found) != 0 || len(l.Missed) != 1 {
		t.Fatalf("Get = %+v, want a miss", l)
	}
}

func TestRedisDownMeansMisses(t *testing.T) {
	store, e := newEntities(t)
	ctx := context.Background()
	e.Fill(ctx, e.Get(ctx, []int64{1}), map[int64]profile{1: {Name: "x"}})
	var degraded []string
	store.Degraded = func(op string, err error) { degraded = append(degraded, op) }
	_ = store.Close()
	l := e.Get(ctx, []int64{1, 2})
	if len(l.Found) != 0 || !reflect.DeepEqual(missed(l), []int64{1, 2}) {
		t.Fatalf("Get with Redis down = %+v, want all missed", l)
	}
	e.Fill(ctx, l, map[int64]profile{1: {Name: "y"}}) // must not panic
	if err := e.Invalidate(ctx, 1); err == nil {
		t.Fatal("Invalidate with Redis down reported success")
	}
	if !reflect.DeepEqual(degraded, []string{"read", "invalidate"}) {
		t.Fatalf("Degraded told %v, want the failed read and invalidation", degraded)
	}
}

// Two instances of a service share Redis but keep their own near copies:
// an invalidation by one makes the other's copy stale at once.
func TestInvalidationReachesEveryInstance(t *testing.T) {
	store := testutil.Cache(t)
	ctx := context.Background()
	a := cache.NewEntities[profile](store, "profile", time.Minute)
	b := cache.NewEntities[profile](store, "profile", time.Minute)
	a.Fill(ctx, a.Get(ctx, []int64{1}), map[int64]profile{1: {Name: "old"}})
	if got := b.Get(ctx, []int64{1}).Found[1]; got.Name != "old" {
		t.Fatalf("second instance read %+v, want the shared copy", got)
	}
	if got := a.Get(ctx, []int64{1}).Found[1]; got.Name != "old" {
		t.Fatalf("first instance read %+v from its near copy", got)
	}
	if err := b.Invalidate(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for name, e := range map[string]*cache.Entities[profile]{"a": a, "b": b} {
		if l := e.Get(ctx, []int64{1}); len(l.Found) != 0 {
			t.Fatalf("instance %s served %+v after another invalidated it", name, l.Found)
		}
	}
}

func TestObserveCountsHitsAndMisses(t *testing.T) {
	store, users := newEntities(t)
	type count struct{ hits, misses int }
	var got count
	store.Observe = func(name string, hits, misses int) {
		if name == "profile" {
			got.hits, got.misses = got.hits+hits, got.misses+misses
		}
	}
	ctx := context.Background()
	lookup := users.Get(ctx, []int64{1, 2})
	users.Fill(ctx, lookup, map[int64]profile{1: {Name: "a"}})
	users.Get(ctx, []int64{1, 2})
	if got != (count{hits: 1, misses: 3}) {
		t.Fatalf("observed %+v, want 1 hit and 3 misses", got)
	}
}
