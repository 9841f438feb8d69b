package ratelimit

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/common/config"
	"github.com/cloudwego/hertz/pkg/common/ut"
	"github.com/cloudwego/hertz/pkg/route"
	"github.com/redis/go-redis/v9"

	cfgpkg "github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/testutil"
)

func newLimiter(t *testing.T, limits cfgpkg.RateLimits) *Limiter {
	t.Helper()
	c := testutil.Cache(t)
	return New(c.RDB, c.Prefix, limits, testutil.QuietLog())
}

func TestAllowRefusesPastTheBudget(t *testing.T) {
	l := newLimiter(t, cfgpkg.Default().RateLimits)
	ctx := context.Background()
	rate := cfgpkg.Rate{N: 3, Per: time.Hour}
	for i := range 3 {
		if err := l.Allow(ctx, "comment", "7", rate); err != nil {
			t.Fatalf("event %d refused: %v", i+1, err)
		}
	}
	err := l.Allow(ctx, "comment", "7", rate)
	if !errors.Is(err, errno.RateLimited) {
		t.Fatalf("event 4: %v, want RateLimited", err)
	}
	// Other keys and classes have budgets of their own.
	if err := l.Allow(ctx, "comment", "8", rate); err != nil {
		t.Fatalf("another user refused: %v", err)
	}
	if err := l.Allow(ctx, "message", "7", rate); err != nil {
		t.Fatalf("another class refused: %v", err)
	}
	if err := l.Allow(ctx, "comment", "7", cfgpkg.Rate{}); err != nil {
		t.Fatalf("an unlimited rate refused: %v", err)
	}
}

// Two limiters on one store, as two gateway replicas are, share budgets.
func TestReplicasShareTheBudget(t *testing.T) {
	c := testutil.Cache(t)
	a := New(c.RDB, c.Prefix, cfgpkg.Default().RateLimits, testutil.QuietLog())
	b := New(c.RDB, c.Prefix, cfgpkg.Default().RateLimits, testutil.QuietLog())
	rate := cfgpkg.Rate{N: 2, Per: time.Hour}
	ctx := context.Background()
	if a.Allow(ctx, "like", "1", rate) != nil || b.Allow(ctx, "like", "1", rate) != nil {
		t.Fatal("first two events refused")
	}
	if !errors.Is(a.Allow(ctx, "like", "1", rate), errno.RateLimited) || !errors.Is(b.Allow(ctx, "like", "1", rate), errno.RateLimited) {
		t.Fatal("a third event passed on one of the replicas")
	}
}

func TestLimitsOff(t *testing.T) {
	limits := cfgpkg.Default().RateLimits
	limits.Mode = "off"
	if l := newLimiter(t, limits); l != nil {
		t.Fatal("limits off still built a limiter")
	}
	var l *Limiter
	ctx := context.Background()
	for range 100 {
		if l.Allow(ctx, "x", "y", cfgpkg.Rate{N: 1, Per: time.Hour}) != nil || l.CheckLogin(ctx, "u") != nil {
			t.Fatal("a nil limiter refused")
		}
		l.RecordLogin(ctx, "u", errno.LoginFailed)
	}
}

// With the store down, limits let requests through rather than failing them.
func TestStoreDownLetsRequestsThrough(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	defer rdb.Close()
	l := New(rdb, "x:", cfgpkg.Default().RateLimits, testutil.QuietLog())
	ctx := context.Background()
	if err := l.Allow(ctx, "like", "1", cfgpkg.Rate{N: 1, Per: time.Hour}); err != nil {
		t.Fatalf("refused with the store down: %v", err)
	}
	if err := l.CheckLogin(ctx, "u"); err != nil {
		t.Fatalf("login refused with the store down: %v", err)
	}
}

// Past the failed-login budget an account refuses every login, the right
// password included, whoever asks; successes and other errors count nothing.
func TestLoginLockout(t *testing.T) {
	limits := cfgpkg.Default().RateLimits
	limits.FailedLogin = cfgpkg.Rate{N: 3, Per: time.Hour}
	l := newLimiter(t, limits)
	ctx := context.Background()
	for range 5 {
		l.RecordLogin(ctx, "alice", nil)
		l.RecordLogin(ctx, "alice", errno.ServiceUnavail)
	}
	for i := range 3 {
		if err := l.CheckLogin(ctx, "alice"); err != nil {
			t.Fatalf("locked after %d failures: %v", i, err)
		}
		l.RecordLogin(ctx, "alice", errno.LoginFailed)
	}
	if err := l.CheckLogin(ctx, "alice"); !errors.Is(err, errno.LoginLocked) {
		t.Fatalf("after 3 failures: %v, want LoginLocked", err)
	}
	if err := l.CheckLogin(ctx, "bob"); err != nil {
		t.Fatalf("another account locked: %v", err)
	}
}

func TestClientIP(t *testing.T) {
	tests := []struct {
		name    string
		trusted []string
		headers []ut.Header
		want    string
	}{
		{"no proxies: headers ignored", nil, []ut.Header{{Key: "X-Forwarded-For", Value: "1.2.3.4"}, {Key: "X-Real-IP", Value: "5.6.7.8"}}, "0.0.0.0"},
		{"trusted peer: nearest untrusted hop", []string{"0.0.0.0", "10.0.0.0/8"},
			[]ut.Header{{Key: "X-Forwarded-For", Value: "6.6.6.6, 1.2.3.4, 10.1.1.1"}}, "1.2.3.4"},
		{"trusted peer: X-Real-IP", []string{"0.0.0.0/32"}, []ut.Header{{Key: "X-Real-IP", Value: "5.6.7.8"}}, "5.6.7.8"},
		{"trusted peer, no header", []string{"0.0.0.0"}, nil, "0.0.0.0"},
		{"untrusted peer", []string{"10.0.0.0/8"}, []ut.Header{{Key: "X-Forwarded-For", Value: "1.2.3.4"}}, "0.0.0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn, err := ClientIP(tt.trusted)
			if err != nil {
				t.Fatal(err)
			}
			e := route.NewEngine(config.NewOptions(nil))
			var got string
			e.GET("/", func(_ context.Context, c *app.RequestContext) { got = fn(c) })
			ut.PerformRequest(e, "GET", "/", nil, tt.headers...)
			if got != tt.want {
				t.Fatalf("client IP %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := ClientIP([]string{"not-an-ip"}); err == nil {
		t.Fatal("a bad proxy address was accepted")
	}
}

// BenchmarkAllow is the cost one limited request adds: a GCRA step in the
// test Redis (the real one when DOUYIN_TEST_REDIS_ADDR is set).
func BenchmarkAllow(b *testing.B) {
	c := testutil.Cache(b)
	l := New(c.RDB, c.Prefix, cfgpkg.Default().RateLimits, testutil.QuietLog())
	ctx := context.Background()
	rate := cfgpkg.Rate{N: 1 << 30, Per: time.Second}
	for b.Loop() {
		if err := l.Allow(ctx, "like", "7", rate); err != nil {
			b.Fatal(err)
		}
	}
}
