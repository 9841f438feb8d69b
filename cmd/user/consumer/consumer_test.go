package consumer_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/cmd/user/consumer"
	"github.com/douyin-go/douyin/cmd/user/dal"
	"github.com/douyin-go/douyin/cmd/user/dal/daltest"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// The user counters as the real service keeps them: relations write the
// outbox, a relay publishes to Kafka, the user consumer applies the events
// and drops cached users. MariaDB/Redis when configured, else SQLite and
// in-process Redis; Kafka is always the in-process broker.

type pipeline struct {
	db       *gorm.DB
	users    *dal.Users
	rels     *dal.Relations
	outbox   *eventbus.Outbox
	applied  *eventbus.Applied
	consumer *eventbus.Consumer
}

func newPipeline(t *testing.T) *pipeline {
	t.Helper()
	gdb := testutil.DB(t)
	store := testutil.Cache(t)
	p := &pipeline{db: gdb, users: dal.NewUsers(gdb, store), outbox: eventbus.NewOutbox(dal.OutboxTable), applied: eventbus.NewApplied(store)}
	p.rels = &dal.Relations{Tables: eventbus.Tables{DB: gdb, Outbox: p.outbox}}
	p.consumer = consumer.New(gdb, p.users, p.applied, testutil.QuietLog())
	testutil.Migrate(t, gdb, dal.Migrate, p.outbox.Migrate, p.consumer.Migrate)
	return p
}

// start runs the relay and the consumer on an in-process Kafka until the
// test ends.
func (p *pipeline) start(t *testing.T) {
	t.Helper()
	testutil.RunPipeline(t, p.db, []*eventbus.Outbox{p.outbox}, p.consumer)
}

func (p *pipeline) createUsers(t *testing.T, n int) []int64 {
	t.Helper()
	return daltest.CreateUsers(t, p.users, n)
}

// row reads a user from the database, bypassing the cache.
func (p *pipeline) row(t *testing.T, id int64) dal.User {
	t.Helper()
	return testutil.Row[dal.User](t, p.db, id)
}

// cached reads users through the cache, as the service does.
func (p *pipeline) cached(t *testing.T, ids ...int64) map[int64]dal.User {
	t.Helper()
	got, err := p.users.ByIDs(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func (p *pipeline) wait(t *testing.T, ids []string) {
	t.Helper()
	if !p.applied.Wait(context.Background(), 30*time.Second, ids, consumer.Group) {
		t.Fatalf("%d events not applied in time", len(ids))
	}
}

func TestConcurrentFollowsOfOneUserCountExactly(t *testing.T) {
	p := newPipeline(t)
	p.start(t)
	const n = 20
	ids := p.createUsers(t, n+1)
	star, fans := ids[0], ids[1:]
	// Warm the cache with the zero counts, so a missed invalidation shows.
	p.cached(t, ids...)

	var wg sync.WaitGroup
	var mu sync.Mutex
	var evs []string
	for _, fan := range fans {
		wg.Add(1)
		go func(fan int64) {
			defer wg.Done()
			got, err := p.rels.Follow(context.Background(), fan, star, time.Now().UTC())
			if err != nil {
				t.Errorf("follow by %d: %v", fan, err)
				return
			}
			mu.Lock()
			evs = append(evs, got...)
			mu.Unlock()
		}(fan)
	}
	wg.Wait()
	if len(evs) != n {
		t.Fatalf("%d events, want %d", len(evs), n)
	}
	p.wait(t, evs)

	if got := p.row(t, star).FollowerCount; got != n {
		t.Fatalf("follower_count %d in the database, want %d", got, n)
	}
	// Applied means invalidated: the cached read is fresh at once.
	cached := p.cached(t, ids...)
	if got := cached[star]; got.FollowerCount != n || got.FollowCount != 0 {
		t.Fatalf("cached star: follower_count %d follow_count %d, want %d 0", got.FollowerCount, got.FollowCount, n)
	}
	for _, fan := range fans {
		if r := p.row(t, fan); r.FollowCount != 1 || r.FollowerCount != 0 {
			t.Fatalf("fan %d: follow_count %d follower_count %d, want 1 0", fan, r.FollowCount, r.FollowerCount)
		}
		if c := cached[fan]; c.FollowCount != 1 {
			t.Fatalf("cached fan %d: follow_count %d, want 1", fan, c.FollowCount)
		}
	}

	// Unfollows flow back the same way; repeated ones write nothing.
	var unEvs []string
	for _, fan := range fans[:5] {
		for range 2 {
			got, err := p.rels.Unfollow(context.Background(), fan, star)
			if err != nil {
				t.Fatal(err)
			}
			unEvs = append(unEvs, got...)
		}
	}
	if len(unEvs) != 5 {
		t.Fatalf("%d unfollow events, want 5", len(unEvs))
	}
	p.wait(t, unEvs)
	if got := p.cached(t, star)[star].FollowerCount; got != n-5 {
		t.Fatalf("follower_count %d after 5 unfollows, want %d", got, n-5)
	}
	if got := p.cached(t, fans[0])[fans[0]].FollowCount; got != 0 {
		t.Fatalf("follow_count %d after unfollow, want 0", got)
	}
}

func payload(t *testing.T, ev any) []byte {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type counts struct{ follow, follower, favorite, totalFavorited, work int64 }

func countsOf(u dal.User) counts {
	return counts{u.FollowCount, u.FollowerCount, u.FavoriteCount, u.TotalFavorited, u.WorkCount}
}

func TestApplyMovesCountersOnceAndInvalidates(t *testing.T) {
	p := newPipeline(t)
	ids := p.createUsers(t, 3)
	a, b, c := ids[0], ids[1], ids[2]
	ctx := context.Background()
	steps := []struct {
		name      string
		topic     string
		id        string
		ev        any
		wantFresh bool
		want      map[int64]counts
	}{
		{"a follows b", events.TopicFollow, "f-1", events.Followed{FollowerID: a, FolloweeID: b, Delta: 1}, true,
			map[int64]counts{a: {follow: 1}, b: {follower: 1}}},
		{"the same follow redelivered", events.TopicFollow, "f-1", events.Followed{FollowerID: a, FolloweeID: b, Delta: 1}, false,
			map[int64]counts{a: {follow: 1}, b: {follower: 1}}},
		{"c follows b", events.TopicFollow, "f-2", events.Followed{FollowerID: c, FolloweeID: b, Delta: 1}, true,
			map[int64]counts{b: {follower: 2}, c: {follow: 1}}},
		{"b publishes", events.TopicPublish, "p-1", events.Published{AuthorID: b, VideoID: 10, Delta: 1}, true,
			map[int64]counts{b: {follower: 2, work: 1}}},
		{"the same publish redelivered", events.TopicPublish, "p-1", events.Published{AuthorID: b, VideoID: 10, Delta: 1}, false,
			map[int64]counts{b: {follower: 2, work: 1}}},
		{"b publishes again", events.TopicPublish, "p-2", events.Published{AuthorID: b, VideoID: 11, Delta: 1}, true,
			map[int64]counts{b: {follower: 2, work: 2}}},
		{"a likes b's video", events.TopicFavorite, "l-1", events.Favorited{UserID: a, VideoID: 10, AuthorID: b, Delta: 1}, true,
			map[int64]counts{a: {follow: 1, favorite: 1}, b: {follower: 2, work: 2, totalFavorited: 1}}},
		{"the same like redelivered", events.TopicFavorite, "l-1", events.Favorited{UserID: a, VideoID: 10, AuthorID: b, Delta: 1}, false,
			map[int64]counts{a: {follow: 1, favorite: 1}, b: {follower: 2, work: 2, totalFavorited: 1}}},
		{"c likes b's video", events.TopicFavorite, "l-2", events.Favorited{UserID: c, VideoID: 11, AuthorID: b, Delta: 1}, true,
			map[int64]counts{b: {follower: 2, work: 2, totalFavorited: 2}, c: {follow: 1, favorite: 1}}},
		{"a unlikes", events.TopicFavorite, "l-3", events.Favorited{UserID: a, VideoID: 10, AuthorID: b, Delta: -1}, true,
			map[int64]counts{a: {follow: 1}, b: {follower: 2, work: 2, totalFavorited: 1}}},
		{"b likes own video", events.TopicFavorite, "l-4", events.Favorited{UserID: b, VideoID: 10, AuthorID: b, Delta: 1}, true,
			map[int64]counts{b: {follower: 2, work: 2, totalFavorited: 2, favorite: 1}}},
		{"a unfollows b", events.TopicFollow, "f-3", events.Followed{FollowerID: a, FolloweeID: b, Delta: -1}, true,
			map[int64]counts{a: {}, b: {follower: 1, work: 2, totalFavorited: 2, favorite: 1}}},
		{"b removes a video", events.TopicPublish, "p-3", events.Published{AuthorID: b, VideoID: 11, Delta: -1}, true,
			map[int64]counts{b: {follower: 1, work: 1, totalFavorited: 2, favorite: 1}}},
		{"comment events are not the user consumer's", events.TopicComment, "c-1", events.Commented{VideoID: 10, CommentID: 1, Delta: 1}, false,
			map[int64]counts{b: {follower: 1, work: 1, totalFavorited: 2, favorite: 1}}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			// Warm the cache so a missing invalidation serves old counts.
			p.cached(t, a, b, c)
			fresh, err := p.consumer.Apply(ctx, st.topic, st.id, payload(t, st.ev))
			if err != nil {
				t.Fatal(err)
			}
			if fresh != st.wantFresh {
				t.Fatalf("fresh = %v, want %v", fresh, st.wantFresh)
			}
			cached := p.cached(t, a, b, c)
			for id, want := range st.want {
				if got := countsOf(p.row(t, id)); got != want {
					t.Fatalf("user %d in the database: %+v, want %+v", id, got, want)
				}
				if got := countsOf(cached[id]); got != want {
					t.Fatalf("user %d through the cache: %+v, want %+v", id, got, want)
				}
			}
		})
	}
}

func TestApplyMarksEventsForWaiters(t *testing.T) {
	p := newPipeline(t)
	ids := p.createUsers(t, 2)
	ctx := context.Background()
	if p.applied.Wait(ctx, 10*time.Millisecond, []string{"m-1"}, consumer.Group) {
		t.Fatal("Wait succeeded before the event was applied")
	}
	if _, err := p.consumer.Apply(ctx, events.TopicFollow, "m-1", payload(t, events.Followed{FollowerID: ids[0], FolloweeID: ids[1], Delta: 1})); err != nil {
		t.Fatal(err)
	}
	if !p.applied.Wait(ctx, time.Second, []string{"m-1"}, consumer.Group) {
		t.Fatal("Wait failed after the event was applied")
	}
	if p.applied.Wait(ctx, 10*time.Millisecond, []string{"m-1"}, "another-group") {
		t.Fatal("Wait succeeded for a group that never applied the event")
	}
}

func TestConsumerReadsEveryCounterTopic(t *testing.T) {
	p := newPipeline(t)
	if p.consumer.Group() != consumer.Group {
		t.Fatalf("group %q", p.consumer.Group())
	}
	got := map[string]bool{}
	for _, topic := range p.consumer.Topics() {
		got[topic] = true
	}
	want := map[string]bool{events.TopicFollow: true, events.TopicFavorite: true, events.TopicPublish: true}
	if len(got) != len(want) {
		t.Fatalf("topics %v, want %v", got, want)
	}
	for topic := range want {
		if !got[topic] {
			t.Fatalf("topics %v lack %s", got, topic)
		}
	}
}

// The consumer routes exactly the topics the events table says its group
// counts, so actions wait for it on those and only those.
func TestRoutesAreTheCountedTopics(t *testing.T) {
	p := newPipeline(t)
	got, want := p.consumer.Topics(), events.CountedTopics(p.consumer.Group())
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || len(want) == 0 {
		t.Fatalf("%s routes %v, the events table says it counts %v", p.consumer.Group(), got, want)
	}
}
