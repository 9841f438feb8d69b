package dal

import (
	"context"
	"encoding/json"
	"reflect"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/paging"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// store is a migrated interaction database (real MariaDB when
// DOUYIN_TEST_MYSQL_DSN is set, else SQLite).
type store struct {
	db        *gorm.DB
	favorites *Favorites
	comments  *Comments
	clock     func() time.Time // when s.like likes
}

func newStore(t *testing.T) *store {
	t.Helper()
	gdb := testutil.DB(t)
	outbox := eventbus.NewOutbox(OutboxTable)
	if err := Migrate(gdb); err != nil {
		t.Fatal(err)
	}
	if err := Migrate(gdb); err != nil {
		t.Fatalf("migrating twice: %v", err)
	}
	if err := outbox.Migrate(gdb); err != nil {
		t.Fatal(err)
	}
	return &store{db: gdb, favorites: &Favorites{Tables: eventbus.Tables{DB: gdb, Outbox: outbox}}, comments: &Comments{Tables: eventbus.Tables{DB: gdb, Outbox: outbox}}, clock: time.Now}
}

// outboxEvent is one row of the outbox, decoded.
type outboxEvent struct {
	ID, Topic string
	Payload   map[string]int64
}

func (s *store) events(t *testing.T) []outboxEvent {
	t.Helper()
	var rows []struct {
		EventID string
		Topic   string
		Payload []byte
	}
	if err := s.db.Raw("SELECT event_id, topic, payload FROM " + OutboxTable + " ORDER BY seq").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := make([]outboxEvent, len(rows))
	for i, r := range rows {
		out[i] = outboxEvent{ID: r.EventID, Topic: r.Topic}
		if err := json.Unmarshal(r.Payload, &out[i].Payload); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func (s *store) count(t *testing.T, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.db.Model(model).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// check fails the test on err and returns v.
func check[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func (s *store) like(t *testing.T, user, video int64) []string {
	t.Helper()
	return check[[]string](t)(s.favorites.Like(context.Background(), user, video, 7, s.clock()))
}

func (s *store) unlike(t *testing.T, user, video int64) []string {
	t.Helper()
	return check[[]string](t)(s.favorites.Unlike(context.Background(), user, video, 7))
}

func (s *store) liked(t *testing.T, user int64) []int64 {
	t.Helper()
	return paging.IDs(check[[]paging.Pos](t)(s.favorites.LikedVideos(context.Background(), user, paging.Pos{}, paging.Default)))
}

func (s *store) isFavorite(t *testing.T, user int64, videos []int64) map[int64]bool {
	t.Helper()
	return check[map[int64]bool](t)(s.favorites.IsFavorite(context.Background(), user, videos))
}

func (s *store) post(t *testing.T, c *Comment) []string {
	t.Helper()
	return check[[]string](t)(s.comments.Create(context.Background(), c))
}

func (s *store) ofVideo(t *testing.T, video int64) []Comment {
	t.Helper()
	return check[[]Comment](t)(s.comments.OfVideo(context.Background(), video, paging.Pos{}, paging.Default))
}

func (s *store) byID(t *testing.T, id int64) *Comment {
	t.Helper()
	return check[*Comment](t)(s.comments.ByID(context.Background(), id))
}

func (s *store) delete(t *testing.T, id, user, video int64) []string {
	t.Helper()
	return check[[]string](t)(s.comments.Delete(context.Background(), id, user, video))
}

func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

func TestLikeAndUnlikeWriteOneEventPerChange(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	steps := []struct {
		name       string
		do         func() ([]string, error)
		wantEvents int
		wantRows   int64
		wantDelta  int64
	}{
		{"like", func() ([]string, error) { return s.favorites.Like(ctx, 1, 10, 7, time.Now()) }, 1, 1, 1},
		{"like again is a no-op", func() ([]string, error) { return s.favorites.Like(ctx, 1, 10, 7, time.Now()) }, 0, 1, 0},
		{"unlike", func() ([]string, error) { return s.favorites.Unlike(ctx, 1, 10, 7) }, 1, 0, -1},
		{"unlike again is a no-op", func() ([]string, error) { return s.favorites.Unlike(ctx, 1, 10, 7) }, 0, 0, 0},
		{"unlike of something never liked", func() ([]string, error) { return s.favorites.Unlike(ctx, 2, 10, 7) }, 0, 0, 0},
		{"like after unlike", func() ([]string, error) { return s.favorites.Like(ctx, 1, 10, 7, time.Now()) }, 1, 1, 1},
	}
	total := 0
	for _, st := range steps {
		ids := check[[]string](t)(st.do())
		equal(t, st.name+": event ids", len(ids), st.wantEvents)
		equal(t, st.name+": rows", s.count(t, &Favorite{}, "video_id = ?", 10), st.wantRows)
		total += st.wantEvents
		evs := s.events(t)
		equal(t, st.name+": outbox", len(evs), total)
		if st.wantEvents == 1 {
			last := evs[len(evs)-1]
			equal(t, st.name+": event id", last.ID, ids[0])
			equal(t, st.name+": topic", last.Topic, events.TopicFavorite)
			equal(t, st.name+": payload", last.Payload, map[string]int64{"user_id": 1, "video_id": 10, "author_id": 7, "delta": st.wantDelta})
		}
	}
}

func TestConcurrentLikes(t *testing.T) {
	ctx := context.Background()
	t.Run("20 users like one video: 20 rows, 20 events", func(t *testing.T) {
		s := newStore(t)
		ids := likeConcurrently(t, func(i int) ([]string, error) { return s.favorites.Like(ctx, int64(i+1), 10, 7, time.Now()) })
		equal(t, "event ids", len(ids), 20)
		equal(t, "rows", s.count(t, &Favorite{}, "video_id = ?", 10), int64(20))
		equal(t, "outbox", len(s.events(t)), 20)
	})
	t.Run("one user likes one video 20 times at once: 1 row, 1 event", func(t *testing.T) {
		s := newStore(t)
		ids := likeConcurrently(t, func(int) ([]string, error) { return s.favorites.Like(ctx, 1, 10, 7, time.Now()) })
		equal(t, "event ids", len(ids), 1)
		equal(t, "rows", s.count(t, &Favorite{}, "video_id = ?", 10), int64(1))
		equal(t, "outbox", len(s.events(t)), 1)
	})
}

func likeConcurrently(t *testing.T, like func(i int) ([]string, error)) []string {
	t.Helper()
	var (
		mu   sync.Mutex
		all  []string
		wg   sync.WaitGroup
		errs = make(chan error, 20)
	)
	start := make(chan struct{})
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ids, err := like(i)
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			all = append(all, ids...)
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return all
}

func TestFavoriteReads(t *testing.T) {
	s := newStore(t)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tick := 0
	s.clock = func() time.Time { tick++; return base.Add(time.Duration(tick) * time.Second) }
	for _, v := range []int64{30, 10, 20, 40} {
		s.like(t, 1, v)
	}
	s.like(t, 2, 50)
	s.unlike(t, 1, 40)
	s.unlike(t, 1, 10)
	s.like(t, 1, 10) // liked again: now the most recent

	equal(t, "liked videos, most recent first", s.liked(t, 1), []int64{10, 20, 30})
	equal(t, "no likes", s.liked(t, 3), []int64{})

	// Likes in the same millisecond still list in a stable order.
	s.clock = func() time.Time { return base.Add(time.Hour) }
	s.like(t, 4, 1)
	s.like(t, 4, 2)
	equal(t, "same time, higher video first", s.liked(t, 4), []int64{2, 1})

	equal(t, "is_favorite", s.isFavorite(t, 1, []int64{10, 20, 40, 50, 999}),
		map[int64]bool{10: true, 20: true})
	equal(t, "anonymous", s.isFavorite(t, 0, []int64{10}), map[int64]bool{})
	equal(t, "no ids", s.isFavorite(t, 1, nil), map[int64]bool{})
}

func TestCommentCreateAndList(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	at := time.Date(2024, 3, 31, 16, 30, 0, 123456789, time.UTC)
	var ids []int64
	for i, text := range []string{"first", "第二 👍", "third"} {
		c := &Comment{VideoID: 10, UserID: int64(i + 1), Content: text, CreatedAt: at}
		evs := s.post(t, c)
		equal(t, "event ids", len(evs), 1)
		if c.ID <= 0 {
			t.Fatalf("no id set: %+v", c)
		}
		ids = append(ids, c.ID)
	}
	s.post(t, &Comment{VideoID: 20, UserID: 1, Content: "elsewhere"})

	list := s.ofVideo(t, 10)
	got := []int64{}
	for _, c := range list {
		got = append(got, c.ID)
	}
	equal(t, "newest first", got, []int64{ids[2], ids[1], ids[0]})
	equal(t, "content kept exactly", list[1].Content, "第二 👍")
	equal(t, "time kept to the millisecond", list[1].CreatedAt.UTC(), at.Truncate(time.Millisecond))
	equal(t, "no comments", s.ofVideo(t, 99), []Comment{})

	c := s.byID(t, ids[1])
	equal(t, "by id", c.Content, "第二 👍")
	if _, err := s.comments.ByID(ctx, 12345); err != ErrNotFound {
		t.Fatalf("missing comment: %v", err)
	}

	evs := s.events(t)
	equal(t, "outbox", len(evs), 4)
	equal(t, "topic", evs[0].Topic, events.TopicComment)
	equal(t, "payload", evs[0].Payload, map[string]int64{"video_id": 10, "comment_id": ids[0], "delta": 1})
}

func TestCommentOf500Characters(t *testing.T) {
	s := newStore(t)
	long := ""
	for i := 0; i < MaxCommentRunes; i++ {
		long += "😀"
	}
	c := &Comment{VideoID: 1, UserID: 1, Content: long}
	s.post(t, c)
	equal(t, "stored whole", s.byID(t, c.ID).Content, long)
}

func TestCommentDeleteIsOwnerScoped(t *testing.T) {
	s := newStore(t)
	c := &Comment{VideoID: 10, UserID: 1, Content: "mine"}
	s.post(t, c)
	steps := []struct {
		name        string
		user, video int64
		wantEvents  int
		wantLeft    int64
	}{
		{"someone else cannot delete it", 2, 10, 0, 1},
		{"not through another video", 1, 20, 0, 1},
		{"its author can", 1, 10, 1, 0},
		{"deleting again changes nothing", 1, 10, 0, 0},
	}
	for _, st := range steps {
		ids := s.delete(t, c.ID, st.user, st.video)
		equal(t, st.name+": event ids", len(ids), st.wantEvents)
		equal(t, st.name+": rows", s.count(t, &Comment{}, "id = ?", c.ID), st.wantLeft)
	}
	evs := s.events(t)
	equal(t, "outbox: post and one delete", len(evs), 2)
	equal(t, "delete payload", evs[1].Payload, map[string]int64{"video_id": 10, "comment_id": c.ID, "delta": -1})
}
