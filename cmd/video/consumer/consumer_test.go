package consumer_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	interactiondal "github.com/douyin-go/douyin/cmd/interaction/dal"
	userconsumer "github.com/douyin-go/douyin/cmd/user/consumer"
	userdal "github.com/douyin-go/douyin/cmd/user/dal"
	"github.com/douyin-go/douyin/cmd/user/dal/daltest"
	"github.com/douyin-go/douyin/cmd/video/consumer"
	"github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// The video counters as the real system keeps them: the interaction
// service writes Favorited/Commented events to its outbox, a relay publishes
// them to Kafka, and the video consumer (and, for likes, the user consumer)
// applies each exactly once and drops the cached copies. MariaDB/Redis when
// configured, else SQLite and in-process Redis; Kafka is in-process.

type pipeline struct {
	db          *gorm.DB
	videos      *dal.Videos
	users       *userdal.Users
	videoOutbox *eventbus.Outbox
	// interactions stands for the interaction service's outbox.
	interactions *eventbus.Outbox
	applied      *eventbus.Applied
	consumer     *eventbus.Consumer
	userConsumer *eventbus.Consumer
}

func newPipeline(t *testing.T) *pipeline {
	t.Helper()
	gdb := testutil.DB(t)
	store := testutil.Cache(t)
	p := &pipeline{
		db:           gdb,
		users:        userdal.NewUsers(gdb, store),
		videoOutbox:  eventbus.NewOutbox(dal.OutboxTable),
		interactions: eventbus.NewOutbox(interactiondal.OutboxTable),
		applied:      eventbus.NewApplied(store),
	}
	p.videos = dal.NewVideos(gdb, p.videoOutbox, store)
	p.consumer = consumer.New(gdb, p.videos, p.applied, testutil.QuietLog())
	p.userConsumer = userconsumer.New(gdb, p.users, p.applied, testutil.QuietLog())
	testutil.Migrate(t, gdb, dal.Migrate, userdal.Migrate, p.videoOutbox.Migrate,
		p.interactions.Migrate, p.consumer.Migrate, p.userConsumer.Migrate)
	return p
}

// start runs the relays and both consumers on an in-process Kafka until
// the test ends.
func (p *pipeline) start(t *testing.T) {
	t.Helper()
	testutil.RunPipeline(t, p.db, []*eventbus.Outbox{p.interactions, p.videoOutbox}, p.consumer, p.userConsumer)
}

func (p *pipeline) createUsers(t *testing.T, n int) []int64 {
	t.Helper()
	return daltest.CreateUsers(t, p.users, n)
}

// publish creates a video of author and returns its id and event ids.
func (p *pipeline) publish(t *testing.T, author int64) (int64, []string) {
	t.Helper()
	v := &dal.Video{AuthorID: author, Title: "t", PlayKey: "videos/x.mp4", CoverKey: "covers/x.jpg", PublishedAt: time.Now().UnixMilli()}
	ids, err := p.videos.Create(context.Background(), v)
	if err != nil {
		t.Fatal(err)
	}
	return v.ID, ids
}

// cached reads a video through the cache, as the service does.
func (p *pipeline) cached(t *testing.T, id int64) dal.Video {
	t.Helper()
	got, err := p.videos.ByIDs(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	return got[id]
}

// row reads a video straight from the database.
func (p *pipeline) row(t *testing.T, id int64) dal.Video {
	t.Helper()
	return testutil.Row[dal.Video](t, p.db, id)
}

func (p *pipeline) user(t *testing.T, id int64) userdal.User {
	t.Helper()
	return testutil.Row[userdal.User](t, p.db, id)
}

// emit writes events to the interaction outbox, one transaction each, as
// concurrent like/comment requests do.
func (p *pipeline) emit(t *testing.T, evs ...eventbus.Event) []string {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var ids []string
	for _, ev := range evs {
		wg.Add(1)
		go func(ev eventbus.Event) {
			defer wg.Done()
			got, err := p.interactions.Transact(context.Background(), p.db, func(tx *gorm.DB, emit eventbus.Emit) error {
				return emit(ev)
			})
			if err != nil {
				t.Errorf("emit %+v: %v", ev, err)
				return
			}
			mu.Lock()
			ids = append(ids, got...)
			mu.Unlock()
		}(ev)
	}
	wg.Wait()
	if len(ids) != len(evs) {
		t.Fatalf("%d event ids for %d events", len(ids), len(evs))
	}
	return ids
}

func (p *pipeline) wait(t *testing.T, ids []string, groups ...string) {
	t.Helper()
	if !p.applied.Wait(context.Background(), 30*time.Second, ids, groups...) {
		t.Fatalf("%d events not applied in time by %v", len(ids), groups)
	}
}

func TestConcurrentLikesCountExactly(t *testing.T) {
	p := newPipeline(t)
	p.start(t)
	const n = 20
	users := p.createUsers(t, n+1)
	author, fans := users[0], users[1:]
	video, published := p.publish(t, author)
	other, _ := p.publish(t, author)
	p.wait(t, published, events.GroupUserCounters)
	// Warm the cache with the zero counts, so a missed invalidation shows.
	p.cached(t, video)

	likes := make([]eventbus.Event, 0, n)
	for _, fan := range fans {
		likes = append(likes, events.Favorited{UserID: fan, VideoID: video, AuthorID: author, Delta: 1})
	}
	p.wait(t, p.emit(t, likes...), events.GroupVideoCounters, events.GroupUserCounters)

	if got := p.row(t, video).FavoriteCount; got != n {
		t.Fatalf("favorite_count %d in the database, want %d", got, n)
	}
	if got := p.cached(t, video); got.FavoriteCount != n || got.CommentCount != 0 {
		t.Fatalf("cached video: favorite_count %d comment_count %d, want %d 0", got.FavoriteCount, got.CommentCount, n)
	}
	if got := p.row(t, other).FavoriteCount; got != 0 {
		t.Fatalf("another video's favorite_count %d, want 0", got)
	}
	if a := p.user(t, author); a.TotalFavorited != n || a.WorkCount != 2 {
		t.Fatalf("author total_favorited %d work_count %d, want %d 2", a.TotalFavorited, a.WorkCount, n)
	}
	for _, fan := range fans {
		if u := p.user(t, fan); u.FavoriteCount != 1 {
			t.Fatalf("fan %d favorite_count %d, want 1", fan, u.FavoriteCount)
		}
	}

	// Comments flow the same way: two posted, one deleted.
	ids := p.emit(t,
		events.Commented{VideoID: video, CommentID: 1, Delta: 1},
		events.Commented{VideoID: video, CommentID: 2, Delta: 1})
	p.wait(t, ids, events.GroupVideoCounters)
	p.wait(t, p.emit(t, events.Commented{VideoID: video, CommentID: 1, Delta: -1}), events.GroupVideoCounters)
	if got := p.cached(t, video); got.CommentCount != 1 || got.FavoriteCount != n {
		t.Fatalf("after 2 comments and 1 delete: comment_count %d favorite_count %d, want 1 %d", got.CommentCount, got.FavoriteCount, n)
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

func TestApplyCountsEachEventOnceAndInvalidates(t *testing.T) {
	p := newPipeline(t)
	a, _ := p.publish(t, 1)
	b, _ := p.publish(t, 1)
	ctx := context.Background()
	type counts struct{ fav, comment int64 }
	steps := []struct {
		name      string
		topic     string
		id        string
		ev        any
		wantFresh bool
		want      map[int64]counts
	}{
		{"like", events.TopicFavorite, "l-1", events.Favorited{UserID: 5, VideoID: a, AuthorID: 1, Delta: 1}, true,
			map[int64]counts{a: {fav: 1}}},
		{"the same like delivered again", events.TopicFavorite, "l-1", events.Favorited{UserID: 5, VideoID: a, AuthorID: 1, Delta: 1}, false,
			map[int64]counts{a: {fav: 1}}},
		{"another like", events.TopicFavorite, "l-2", events.Favorited{UserID: 6, VideoID: a, AuthorID: 1, Delta: 1}, true,
			map[int64]counts{a: {fav: 2}}},
		{"unlike", events.TopicFavorite, "l-3", events.Favorited{UserID: 5, VideoID: a, AuthorID: 1, Delta: -1}, true,
			map[int64]counts{a: {fav: 1}}},
		{"the same unlike delivered again", events.TopicFavorite, "l-3", events.Favorited{UserID: 5, VideoID: a, AuthorID: 1, Delta: -1}, false,
			map[int64]counts{a: {fav: 1}}},
		{"comment", events.TopicComment, "c-1", events.Commented{VideoID: a, CommentID: 1, Delta: 1}, true,
			map[int64]counts{a: {fav: 1, comment: 1}}},
		{"the same comment delivered again", events.TopicComment, "c-1", events.Commented{VideoID: a, CommentID: 1, Delta: 1}, false,
			map[int64]counts{a: {fav: 1, comment: 1}}},
		{"comment on b", events.TopicComment, "c-2", events.Commented{VideoID: b, CommentID: 2, Delta: 1}, true,
			map[int64]counts{a: {fav: 1, comment: 1}, b: {comment: 1}}},
		{"comment deleted", events.TopicComment, "c-3", events.Commented{VideoID: a, CommentID: 1, Delta: -1}, true,
			map[int64]counts{a: {fav: 1}, b: {comment: 1}}},
		{"follows are not the video consumer's", events.TopicFollow, "f-1", events.Followed{FollowerID: 5, FolloweeID: 1, Delta: 1}, false,
			map[int64]counts{a: {fav: 1}, b: {comment: 1}}},
		{"publishes are not the video consumer's", events.TopicPublish, "p-1", events.Published{AuthorID: 1, VideoID: a, Delta: 1}, false,
			map[int64]counts{a: {fav: 1}, b: {comment: 1}}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			// Warm the cache so a missing invalidation serves old counts.
			p.cached(t, a)
			p.cached(t, b)
			fresh, err := p.consumer.Apply(ctx, st.topic, st.id, payload(t, st.ev))
			if err != nil {
				t.Fatal(err)
			}
			if fresh != st.wantFresh {
				t.Fatalf("fresh = %v, want %v", fresh, st.wantFresh)
			}
			for _, id := range []int64{a, b} {
				want := st.want[id]
				row, cached := p.row(t, id), p.cached(t, id)
				if got := (counts{row.FavoriteCount, row.CommentCount}); got != want {
					t.Fatalf("video %d in the database: %+v, want %+v", id, got, want)
				}
				if got := (counts{cached.FavoriteCount, cached.CommentCount}); got != want {
					t.Fatalf("video %d through the cache: %+v, want %+v", id, got, want)
				}
			}
		})
	}
}

func TestPoisonEventChangesNothing(t *testing.T) {
	p := newPipeline(t)
	v, _ := p.publish(t, 1)
	if _, err := p.consumer.Apply(context.Background(), events.TopicFavorite, "bad", []byte(`{"video_id": "x"`)); err == nil {
		t.Fatal("want a decode error")
	}
	if got := p.row(t, v); got.FavoriteCount != 0 {
		t.Fatalf("poison event changed favorite_count to %d", got.FavoriteCount)
	}
}

func TestConsumerGroupAndTopics(t *testing.T) {
	p := newPipeline(t)
	if g := p.consumer.Group(); g != events.GroupVideoCounters {
		t.Fatalf("group %q, want %q", g, events.GroupVideoCounters)
	}
	topics := map[string]bool{}
	for _, tp := range p.consumer.Topics() {
		topics[tp] = true
	}
	if len(topics) != 2 || !topics[events.TopicFavorite] || !topics[events.TopicComment] {
		t.Fatalf("topics %v, want favorite and comment", p.consumer.Topics())
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
