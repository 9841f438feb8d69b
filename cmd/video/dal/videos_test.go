package dal

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/paging"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// These tests run on MariaDB and Redis when DOUYIN_TEST_MYSQL_DSN and
// DOUYIN_TEST_REDIS_ADDR are set, on SQLite and in-process Redis otherwise.

type env struct {
	db     *gorm.DB
	store  *cache.Client
	videos *Videos
	outbox *eventbus.Outbox
}

// at is the time every create asks to publish at: all ask for the same ms.
var at = time.UnixMilli(1_700_000_000_000)

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
	return &env{db: gdb, store: store, videos: NewVideos(gdb, outbox, store), outbox: outbox}
}

// create publishes a video of author and returns it.
func (e *env) create(t *testing.T, author int64, title string) Video {
	t.Helper()
	v := &Video{AuthorID: author, Title: title, PlayKey: "videos/" + title + ".mp4", CoverKey: "covers/" + title + ".jpg", PublishedAt: at.UnixMilli()}
	ids, err := e.videos.Create(context.Background(), v)
	if err != nil {
		t.Fatalf("create %q: %v", title, err)
	}
	if v.ID <= 0 || len(ids) != 1 || ids[0] == "" {
		t.Fatalf("create %q: id %d, events %v", title, v.ID, ids)
	}
	return *v
}

// row reads a video straight from the database.
func (e *env) row(t *testing.T, id int64) Video {
	t.Helper()
	var v Video
	if err := e.db.First(&v, id).Error; err != nil {
		t.Fatalf("read video %d: %v", id, err)
	}
	return v
}

type outboxRow struct {
	EventID string
	Topic   string
	Key     string
	Payload []byte
}

func (e *env) outboxRows(t *testing.T) []outboxRow {
	t.Helper()
	var rows []outboxRow
	if err := e.db.Table(OutboxTable).Order("seq").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCreateStoresRowAndPublishedEvent(t *testing.T) {
	e := newEnv(t)
	v := &Video{AuthorID: 42, Title: "标题 with 'quotes'", PlayKey: "videos/a.mp4", CoverKey: "covers/a.jpg", FavoriteCount: 5, CommentCount: 6, PublishedAt: at.UnixMilli()}
	ids, err := e.videos.Create(context.Background(), v)
	if err != nil {
		t.Fatal(err)
	}
	if v.PublishedAt != at.UnixMilli() {
		t.Fatalf("PublishedAt %d, want the asked-for %d", v.PublishedAt, at.UnixMilli())
	}
	if got := e.row(t, v.ID); !reflect.DeepEqual(got, *v) {
		t.Fatalf("row %+v, want %+v", got, *v)
	}
	rows := e.outboxRows(t)
	if len(rows) != 1 || rows[0].EventID != ids[0] || rows[0].Topic != events.TopicPublish || rows[0].Key != "42" {
		t.Fatalf("outbox %+v, want one Published event %v keyed by author", rows, ids)
	}
	var ev events.Published
	if err := json.Unmarshal(rows[0].Payload, &ev); err != nil || ev != (events.Published{AuthorID: 42, VideoID: v.ID, Delta: 1}) {
		t.Fatalf("payload %s (%v), want Published{42, %d, 1}", rows[0].Payload, err, v.ID)
	}
}

// The feed pages by "strictly before the oldest publish time returned", so
// two videos must never share a publish time, even when created in the
// same millisecond by concurrent requests.
func TestCreateGivesUniquePublishTimes(t *testing.T) {
	e := newEnv(t)
	const n = 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	var times []int64
	var eventIDs []string
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			v := &Video{AuthorID: int64(i%3 + 1), Title: "t", PlayKey: "videos/x", CoverKey: "covers/x", PublishedAt: at.UnixMilli()}
			ids, err := e.videos.Create(context.Background(), v)
			if err != nil {
				t.Errorf("create %d: %v", i, err)
				return
			}
			mu.Lock()
			times = append(times, v.PublishedAt)
			eventIDs = append(eventIDs, ids...)
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	// Every create asked for the same ms; each took the next free one.
	want := make([]int64, n)
	for i := range want {
		want[i] = at.UnixMilli() + int64(i)
	}
	if !reflect.DeepEqual(times, want) {
		t.Fatalf("publish times %v, want %v", times, want)
	}
	var stored []int64
	if err := e.db.Model(&Video{}).Order("published_at").Pluck("published_at", &stored).Error; err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(stored, want) {
		t.Fatalf("stored publish times %v, want %v", stored, want)
	}
	// A retried create leaves exactly one event per video.
	if rows := e.outboxRows(t); len(rows) != n || len(eventIDs) != n {
		t.Fatalf("%d outbox rows, %d event ids; want %d each", len(rows), len(eventIDs), n)
	}
}

func TestBeforePagesWithoutGapsOrDuplicates(t *testing.T) {
	e := newEnv(t)
	const n = 65
	for i := 0; i < n; i++ {
		e.create(t, int64(i%4+1), "v")
	}
	next := at.UnixMilli() + 10_000
	seen := map[int64]bool{}
	var sizes []int
	var all []Stamp
	for page := 0; page < 10; page++ {
		stamps, err := e.videos.Before(context.Background(), next, 30)
		if err != nil {
			t.Fatal(err)
		}
		if len(stamps) == 0 {
			break
		}
		sizes = append(sizes, len(stamps))
		for _, s := range stamps {
			if s.PublishedAt >= next {
				t.Fatalf("page %d: %+v not strictly before %d", page, s, next)
			}
			if seen[s.ID] {
				t.Fatalf("page %d: video %d repeated", page, s.ID)
			}
			seen[s.ID] = true
			all = append(all, s)
		}
		next = stamps[len(stamps)-1].PublishedAt
	}
	if !reflect.DeepEqual(sizes, []int{30, 30, 5}) || len(seen) != n {
		t.Fatalf("pages %v covering %d videos, want [30 30 5] covering %d", sizes, len(seen), n)
	}
	for i := 1; i < len(all); i++ {
		if all[i].PublishedAt >= all[i-1].PublishedAt {
			t.Fatalf("not newest first at %d: %+v after %+v", i, all[i], all[i-1])
		}
	}
	// Stamps carry the row's real publish time.
	if got := e.row(t, all[0].ID).PublishedAt; got != all[0].PublishedAt {
		t.Fatalf("stamp time %d, row time %d", all[0].PublishedAt, got)
	}
}

func TestBeforeBoundaries(t *testing.T) {
	e := newEnv(t)
	a, b, c := e.create(t, 1, "a"), e.create(t, 1, "b"), e.create(t, 1, "c")
	tests := []struct {
		name  string
		ms    int64
		limit int
		want  []int64
	}{
		{"exactly c's time excludes c", c.PublishedAt, 30, []int64{b.ID, a.ID}},
		{"just after c includes c", c.PublishedAt + 1, 30, []int64{c.ID, b.ID, a.ID}},
		{"limit keeps the newest", c.PublishedAt + 1, 2, []int64{c.ID, b.ID}},
		{"a's time: nothing older", a.PublishedAt, 30, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stamps, err := e.videos.Before(context.Background(), tt.ms, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, s := range stamps {
				got = append(got, s.ID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Before(%d, %d) = %v, want %v", tt.ms, tt.limit, got, tt.want)
			}
		})
	}
}

func TestByAuthorNewestFirst(t *testing.T) {
	e := newEnv(t)
	var mine []int64
	for i := 0; i < 6; i++ {
		v := e.create(t, int64(i%2+1), "v")
		if v.AuthorID == 1 {
			mine = append([]int64{v.ID}, mine...)
		}
	}
	tests := []struct {
		author int64
		want   []int64
	}{
		{1, mine},
		{3, nil},
	}
	for _, tt := range tests {
		page, err := e.videos.ByAuthor(context.Background(), tt.author, paging.Pos{}, paging.Default)
		var got []int64
		for _, p := range page {
			got = append(got, p.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
			t.Fatalf("ByAuthor(%d) = %v, want %v", tt.author, got, tt.want)
		}
	}
}

func TestByIDsCacheStaysFresh(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.create(t, 1, "a"), e.create(t, 2, "b")

	got, err := e.videos.ByIDs(ctx, []int64{a.ID, b.ID, 999})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, map[int64]Video{a.ID: a, b.ID: b}) {
		t.Fatalf("ByIDs = %+v, want a and b (999 unknown)", got)
	}
	if got, err := e.videos.ByIDs(ctx, nil); err != nil || len(got) != 0 {
		t.Fatalf("ByIDs(nil) = %v, %v", got, err)
	}

	// The counters change the way the consumer changes them: in a
	// transaction, then Invalidate after commit.
	var counters CounterUpdates
	err = e.db.Transaction(func(tx *gorm.DB) error {
		return errors.Join(counters.AddFavorite(tx, a.ID, 1), counters.AddComment(tx, a.ID, 2))
	})
	if err != nil {
		t.Fatal(err)
	}
	// Until invalidated, the cached copy is served: the cache is in use...
	if got, _ := e.videos.ByIDs(ctx, []int64{a.ID}); got[a.ID].FavoriteCount != 0 {
		t.Fatalf("ByIDs before invalidation = %+v; the cache was not used", got[a.ID])
	}
	// ...and after Invalidate the change is visible at once, to this and
	// to any other instance sharing the Redis.
	if err := e.videos.Invalidate(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	other := NewVideos(e.db, e.outbox, e.store)
	for name, v := range map[string]*Videos{"same instance": e.videos, "other instance": other} {
		got, err := v.ByIDs(ctx, []int64{a.ID, b.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got[a.ID].FavoriteCount != 1 || got[a.ID].CommentCount != 2 || got[b.ID] != b {
			t.Fatalf("%s: ByIDs after invalidation = %+v", name, got)
		}
	}
	// A deleted row is not served from the cache once invalidated either.
	if err := e.db.Delete(&Video{}, b.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := e.videos.Invalidate(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.videos.ByIDs(ctx, []int64{a.ID, b.ID}); len(got) != 1 {
		t.Fatalf("ByIDs after deleting b = %+v", got)
	}
}

func TestCountersInTransaction(t *testing.T) {
	e := newEnv(t)
	a, b := e.create(t, 1, "a"), e.create(t, 1, "b")
	var c CounterUpdates
	steps := []struct {
		name       string
		apply      func(tx *gorm.DB) error
		rollback   bool
		wantFav    int64
		wantCommnt int64
	}{
		{"like", func(tx *gorm.DB) error { return c.AddFavorite(tx, a.ID, 1) }, false, 1, 0},
		{"two more likes", func(tx *gorm.DB) error {
			return errors.Join(c.AddFavorite(tx, a.ID, 1), c.AddFavorite(tx, a.ID, 1))
		}, false, 3, 0},
		{"unlike", func(tx *gorm.DB) error { return c.AddFavorite(tx, a.ID, -1) }, false, 2, 0},
		{"comment", func(tx *gorm.DB) error { return c.AddComment(tx, a.ID, 1) }, false, 2, 1},
		{"rolled back changes nothing", func(tx *gorm.DB) error {
			return errors.Join(c.AddFavorite(tx, a.ID, 5), c.AddComment(tx, a.ID, 5))
		}, true, 2, 1},
		{"comment deleted", func(tx *gorm.DB) error { return c.AddComment(tx, a.ID, -1) }, false, 2, 0},
		{"unknown video is a no-op", func(tx *gorm.DB) error { return c.AddFavorite(tx, 999_999, 1) }, false, 2, 0},
	}
	errRollback := errors.New("roll back")
	for _, s := range steps {
		err := e.db.Transaction(func(tx *gorm.DB) error {
			if err := s.apply(tx); err != nil {
				return err
			}
			if s.rollback {
				return errRollback
			}
			return nil
		})
		if err != nil && (!s.rollback || !errors.Is(err, errRollback)) {
			t.Fatalf("%s: %v", s.name, err)
		}
		got := e.row(t, a.ID)
		if got.FavoriteCount != s.wantFav || got.CommentCount != s.wantCommnt {
			t.Fatalf("%s: counts %d/%d, want %d/%d", s.name, got.FavoriteCount, got.CommentCount, s.wantFav, s.wantCommnt)
		}
		if other := e.row(t, b.ID); other.FavoriteCount != 0 || other.CommentCount != 0 {
			t.Fatalf("%s: touched another video: %+v", s.name, other)
		}
	}
}

// On MariaDB, whose stock default character set is latin1, titles in any
// script still fit: the table is utf8mb4 whatever the database default.
func TestTitlesKeepAnyTextOnALatin1Database(t *testing.T) {
	gdb := testutil.DB(t)
	if gdb.Name() != "mysql" {
		t.Skip("character sets are a MySQL/MariaDB matter")
	}
	if err := gdb.Exec("ALTER DATABASE CHARACTER SET latin1 COLLATE latin1_swedish_ci").Error; err != nil {
		t.Fatal(err)
	}
	if err := Migrate(gdb); err != nil {
		t.Fatal(err)
	}
	title := "我的视频 😀"
	v := &Video{AuthorID: 1, Title: title, PlayKey: "videos/x.mp4", CoverKey: "covers/x.jpg", PublishedAt: 1}
	if err := gdb.Create(v).Error; err != nil {
		t.Fatalf("insert a Chinese title: %v", err)
	}
	var got Video
	if err := gdb.Take(&got, v.ID).Error; err != nil || got.Title != title {
		t.Fatalf("read back %q (err %v), want %q", got.Title, err, title)
	}
}
