// Package ratelimit holds the gateway's per-client limits. They are kept
// in Redis by redis_rate (GCRA), so every gateway replica counts against
// the same budget: per client IP on register and login, per username on
// failed logins, per user on the write actions. A refused request gets
// errno.RateLimited (or errno.LoginLocked) as JSON. When Redis cannot be
// reached a limit lets the request through and logs it: limits protect
// the service, they must not take it down.
package ratelimit

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/errno"
)

// Limiter applies the configured limits; a nil *Limiter limits nothing.
type Limiter struct {
	rl     *redis_rate.Limiter
	prefix string
	limits config.RateLimits
	log    *slog.Logger
}

// New keeps limits in rdb under keys starting with prefix. With limits
// off it returns nil, which limits nothing.
func New(rdb redis.UniversalClient, prefix string, limits config.RateLimits, log *slog.Logger) *Limiter {
	if limits.Off() || rdb == nil {
		return nil
	}
	return &Limiter{rl: redis_rate.NewLimiter(rdb), prefix: prefix + "limit:", limits: limits, log: log}
}

// Limits are the configured limits.
func (l *Limiter) Limits() config.RateLimits {
	if l == nil {
		return config.RateLimits{Mode: "off"}
	}
	return l.limits
}

// Allow takes one event from the budget of class for key under rate, and
// returns errno.RateLimited (saying when to retry) when there is none.
func (l *Limiter) Allow(ctx context.Context, class, key string, rate config.Rate) error {
	if l == nil || rate.Unlimited() {
		return nil
	}
	res, err := l.rl.Allow(ctx, l.key(class, key), limitOf(rate))
	if err != nil {
		l.log.WarnContext(ctx, "rate limit not checked: store unreachable", "class", class, "err", err)
		return nil
	}
	if res.Allowed == 0 {
		return refused(errno.RateLimited, res.RetryAfter)
	}
	return nil
}

// PerUser limits the token's user (the route must require a token) under
// class and rate.
func (l *Limiter) PerUser(class string, rate config.Rate) app.HandlerFunc {
	return l.middleware(class, rate, func(c *app.RequestContext) string {
		return strconv.FormatInt(auth.UserID(c), 10)
	})
}

// PerIP limits the client address (see ClientIP) under class and rate.
func (l *Limiter) PerIP(class string, rate config.Rate) app.HandlerFunc {
	return l.middleware(class, rate, func(c *app.RequestContext) string { return c.ClientIP() })
}

func (l *Limiter) middleware(class string, rate config.Rate, keyOf func(*app.RequestContext) string) app.HandlerFunc {
	return func(ctx context.Context, c *app.RequestContext) {
		if err := l.Allow(ctx, class, keyOf(c), rate); err != nil {
			Refuse(c, err)
			return
		}
		c.Next(ctx)
	}
}

// Refuse answers err (an errno) as the API's JSON and stops the chain.
func Refuse(c *app.RequestContext, err error) {
	e := errno.Convert(err)
	c.AbortWithStatusJSON(http.StatusOK, map[string]any{"status_code": e.Code, "status_msg": e.Msg})
}

func (l *Limiter) key(class, key string) string { return l.prefix + class + ":" + key }

// limitOf is rate as GCRA parameters: N at once, then N per period.
func limitOf(r config.Rate) redis_rate.Limit {
	return redis_rate.Limit{Rate: r.N, Burst: r.N, Period: r.Per}
}

// ClientIP is how the gateway tells clients apart: the connection's peer,
// unless that peer is one of the trusted proxies, in which case the
// nearest untrusted address in X-Forwarded-For (then X-Real-IP). With no
// trusted proxies, headers a client sends are never believed.
func ClientIP(trustedProxies []string) (app.ClientIP, error) {
	var cidrs []*net.IPNet
	for _, p := range trustedProxies {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			if ip := net.ParseIP(p); ip != nil && ip.To4() != nil {
				p += "/32"
			} else {
				p += "/128"
			}
		}
		_, cidr, err := net.ParseCIDR(p)
		if err != nil {
			return nil, err
		}
		cidrs = append(cidrs, cidr)
	}
	return app.ClientIPWithOption(app.ClientIPOptions{
		RemoteIPHeaders: []string{"X-Forwarded-For", "X-Real-IP"},
		TrustedCIDRs:    cidrs,
	}), nil
}

// refused is e saying when to try again, in whole seconds.
func refused(e errno.ErrNo, retryAfter time.Duration) errno.ErrNo {
	if retryAfter <= 0 {
		return e
	}
	secs := int((retryAfter + time.Second - 1) / time.Second)
	return e.WithMessagef("%s (retry in %d s)", e.Msg, secs)
}
