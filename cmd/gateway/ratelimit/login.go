package ratelimit

import (
	"context"
	"errors"
	"time"

	"github.com/douyin-go/douyin/pkg/errno"
)

// failedLoginClass counts wrong passwords per username.
const failedLoginClass = "failed-login"

// CheckLogin refuses a login for username while its failed logins have
// used up their budget: then even the right password is refused, so
// guessing cannot go faster than the limit.
func (l *Limiter) CheckLogin(ctx context.Context, username string) error {
	if l == nil || l.limits.FailedLogin.Unlimited() || username == "" {
		return nil
	}
	// Cost 0 reads the budget without taking from it.
	res, err := l.rl.AllowN(ctx, l.key(failedLoginClass, username), limitOf(l.limits.FailedLogin), 0)
	if err != nil {
		l.log.WarnContext(ctx, "login lockout not checked: store unreachable", "err", err)
		return nil
	}
	if res.Remaining < 1 {
		return refused(errno.LoginLocked, l.limits.FailedLogin.Per/time.Duration(l.limits.FailedLogin.N))
	}
	return nil
}

// RecordLogin counts a failed login (wrong password or unknown name)
// against username; other outcomes count nothing.
func (l *Limiter) RecordLogin(ctx context.Context, username string, outcome error) {
	if l == nil || !errors.Is(outcome, errno.LoginFailed) {
		return
	}
	_ = l.Allow(ctx, failedLoginClass, username, l.limits.FailedLogin)
}
