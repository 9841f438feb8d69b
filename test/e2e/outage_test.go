package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/go-sql-driver/mysql"

	"github.com/douyin-go/douyin/cmd/douyin/allinone/allinonetest"
	"github.com/douyin-go/douyin/cmd/douyin/reconcile"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// outageWorld is a small world to read and write while a server is down:
// an author with one video, a fan who follows them and is followed back,
// and a conversation between the two.
type outageWorld struct {
	s           *system
	x           *interactionE2E
	author, fan account
}

func newOutageWorld(t *testing.T, s *system) *outageWorld {
	t.Helper()
	w := &outageWorld{s: s, author: s.register("author"), fan: s.register("fan")}
	w.x = newInteractionE2E(t, s, w.author)
	s.follow(t, w.fan, w.author)
	s.follow(t, w.author, w.fan)
	s.sendMessage(t, w.fan, w.author, "before")
	return w
}

// reads is every read route as the fan calls it.
func (w *outageWorld) reads() map[string]func() resp {
	s, fan, author := w.s, w.fan, w.author
	get := func(path string, params url.Values) func() resp {
		return func() resp { return s.call(http.MethodGet, path, params) }
	}
	return map[string]func() resp{
		"feed, anonymous":   get("/douyin/feed/", url.Values{}),
		"feed, with token":  get("/douyin/feed/", url.Values{"token": {fan.token}}),
		"user info":         get("/douyin/user/", url.Values{"token": {fan.token}, "user_id": {id(author.id)}}),
		"publish list":      get("/douyin/publish/list/", url.Values{"token": {fan.token}, "user_id": {id(author.id)}}),
		"favorite list":     get("/douyin/favorite/list/", url.Values{"token": {fan.token}, "user_id": {id(fan.id)}}),
		"comment list":      get("/douyin/comment/list/", url.Values{"token": {fan.token}, "video_id": {id(w.x.video)}}),
		"follow list":       get("/douyin/relation/follow/list/", url.Values{"token": {fan.token}, "user_id": {id(fan.id)}}),
		"follower list":     get("/douyin/relation/follower/list/", url.Values{"token": {fan.token}, "user_id": {id(fan.id)}}),
		"friend list":       get("/douyin/relation/friend/list/", url.Values{"token": {fan.token}, "user_id": {id(fan.id)}}),
		"chat":              get("/douyin/message/chat/", url.Values{"token": {fan.token}, "to_user_id": {id(author.id)}}),
		"chat, polled":      get("/douyin/message/chat/", url.Values{"token": {fan.token}, "to_user_id": {id(author.id)}, "pre_msg_time": {"1"}}),
		"user info of self": get("/douyin/user/", url.Values{"token": {fan.token}, "user_id": {id(fan.id)}}),
	}
}

// writes are the fan's writes, each of which changes a counter or a list.
func (w *outageWorld) writes() map[string]func() resp {
	s, fan, author := w.s, w.fan, w.author
	return map[string]func() resp{
		"like":    func() resp { return w.x.like(fan, "1") },
		"comment": func() resp { return w.x.comment(fan, url.Values{"action_type": {"1"}, "comment_text": {"during"}}) },
		"message": func() resp {
			return s.form(http.MethodPost, "/douyin/message/action/", url.Values{"token": {fan.token}, "to_user_id": {id(author.id)}, "action_type": {"1"}, "content": {"during"}})
		},
		"unfollow": func() resp {
			return s.form(http.MethodPost, "/douyin/relation/action/", url.Values{"token": {fan.token}, "to_user_id": {id(author.id)}, "action_type": {"2"}})
		},
	}
}

// problems lists, as the fan sees it, each way the writes of writes() did
// not take effect exactly once, and any counter that drifted.
func (w *outageWorld) problems(t *testing.T) []string {
	t.Helper()
	var out []string
	favorites, comments, liked := w.x.counts(w.fan, w.author.id)
	if favorites != 1 || comments != 1 || !liked {
		out = append(out, fmt.Sprintf("video: favorite_count %d, comment_count %d, is_favorite %v; want 1, 1, true", favorites, comments, liked))
	}
	author := w.x.user(w.fan, w.author.id)
	if author.int("user.follower_count") != 0 || author.int("user.follow_count") != 1 || author.get("user.is_follow") != false ||
		author.int("user.total_favorited") != 1 || author.int("user.work_count") != 1 {
		out = append(out, fmt.Sprintf("author as the fan sees them: %v", author))
	}
	if fan := w.x.user(w.fan, w.fan.id); fan.int("user.follow_count") != 0 || fan.int("user.favorite_count") != 1 {
		out = append(out, fmt.Sprintf("fan: %v", fan))
	}
	if got := strings.Join(contents(w.s.chat(t, w.fan, w.author.id, "")), ","); got != "before,during" {
		out = append(out, "chat: "+got)
	}
	var report bytes.Buffer
	if err := reconcile.Run(context.Background(), w.s.cfg, &report, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(report.String(), "reconcile: 0 counter(s) drifted") {
		out = append(out, "counters drifted:\n"+report.String())
	}
	return out
}

// wantAfterWrites fails t unless every write took effect exactly once.
func (w *outageWorld) wantAfterWrites(t *testing.T) {
	t.Helper()
	if p := w.problems(t); len(p) > 0 {
		t.Fatal(strings.Join(p, "\n"))
	}
}

// While Redis is down every read route answers from the database and every
// write commits (at once: no action waits for marks it cannot see); once
// Redis is back, nothing it kept from before is served stale and no
// counter drifted.
func TestRedisOutage(t *testing.T) {
	embeddedOnly(t)
	upstream := os.Getenv("DOUYIN_TEST_REDIS_ADDR")
	if upstream == "" {
		upstream = miniredis.RunT(t).Addr()
	}
	redis := testutil.NewOutage(t, "redis", upstream)
	cfg := outageConfig(t)
	cfg.RedisAddr, cfg.RedisPrefix = redis.Addr, testutil.KeyPrefix(t)
	s := startWith(t, cfg)
	t.Cleanup(s.stop)
	w := newOutageWorld(t, s)
	for _, read := range w.reads() { // every cache filled
		mustOK(t, read())
	}

	redis.Down()
	for name, read := range w.reads() {
		if r := read(); r.code() != 0 {
			t.Errorf("%s with Redis down: %d %q", name, r.code(), r.msg())
		}
	}
	for name, write := range w.writes() {
		if r := write(); r.code() != 0 {
			t.Errorf("%s with Redis down: %d %q", name, r.code(), r.msg())
		}
	}

	redis.Up(t)
	// Invalidations that failed while Redis was down are retried; until
	// then a cached copy may be older than the database.
	eventually(func() bool { return len(w.problems(t)) == 0 })
	w.wantAfterWrites(t)
}

// While the database is down every route answers a JSON error (nothing
// hangs, nothing half-written); once it is back, the very same processes
// serve reads and writes again, counters included.
func TestDatabaseOutage(t *testing.T) {
	embeddedOnly(t)
	if os.Getenv("DOUYIN_TEST_MYSQL_DSN") == "" {
		t.Skip("needs MySQL or MariaDB (DOUYIN_TEST_MYSQL_DSN)")
	}
	cfg := outageConfig(t)
	dsn, err := mysql.ParseDSN(cfg.MySQLDSN)
	if err != nil {
		t.Fatal(err)
	}
	database := testutil.NewOutage(t, "mysql", dsn.Addr)
	dsn.Addr = database.Addr
	cfg.MySQLDSN = dsn.FormatDSN()
	s := startWith(t, cfg)
	t.Cleanup(s.stop)
	w := newOutageWorld(t, s)

	database.Down()
	for _, read := range w.reads() {
		read() // HTTP 200 and JSON with a status_msg, or the harness fails the test
	}
	for name, write := range w.writes() {
		if r := write(); r.code() == 0 {
			t.Errorf("%s with the database down succeeded", name)
		}
	}
	mustFail(t, s.call(http.MethodPost, "/douyin/user/register/", url.Values{"username": {"newcomer"}, "password": {"newcomer-pw"}}), 0)

	database.Up(t)
	eventually(func() bool { return w.writes()["like"]().code() == 0 })
	for _, write := range w.writes() { // the like again: a no-op
		mustOK(t, write())
	}
	for _, read := range w.reads() {
		mustOK(t, read())
	}
	w.wantAfterWrites(t)
}

// outageConfig is an embedded system's config on the test servers.
func outageConfig(t *testing.T) config.Config {
	cfg := allinonetest.Config(t, t.TempDir())
	cfg.RateLimits.Mode = "off"
	allinonetest.UseTestServers(t, &cfg)
	return cfg
}

// eventually polls cond until it holds, for at most a minute; the caller
// then asserts what it waited for.
func eventually(cond func() bool) {
	for deadline := time.Now().Add(time.Minute); !cond() && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
}
