package handler_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// call posts form to path with extra headers and decodes the status.
func (g *gateway) call(t *testing.T, path string, form url.Values, headers ...string) status {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, g.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	setHeaders(req, headers)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp, nil)
}

// tight is a limit of n per hour.
func tight(n int) config.Rate { return config.Rate{N: n, Per: time.Hour} }

func TestRateLimitsAtTheGateway(t *testing.T) {
	g := startGatewayWith(t, newMemStore(), testutil.Cache(t), func(cfg *config.Config) {
		l := &cfg.RateLimits
		l.Register, l.Login, l.FailedLogin = tight(2), tight(100), tight(3)
		l.Comment, l.Like, l.Follow, l.Message, l.Publish = tight(2), tight(2), tight(2), tight(2), tight(1)
	})
	tok, other := g.token(t, userID), g.token(t, otherUserID)

	t.Run("register per IP, X-Forwarded-For not believed", func(t *testing.T) {
		form := url.Values{"username": {"u"}, "password": {"secret1"}}
		for i := range 2 {
			wantStatus(t, g.call(t, "/douyin/user/register/", form, "X-Forwarded-For: 10.0.0."+string(rune('1'+i))), errno.Success)
		}
		st := g.call(t, "/douyin/user/register", form, "X-Forwarded-For: 10.9.9.9", "X-Real-IP: 10.8.8.8")
		wantStatus(t, st, errno.RateLimited)
		if !strings.Contains(st.StatusMsg, "retry in") {
			t.Fatalf("status_msg %q does not say when to retry", st.StatusMsg)
		}
	})

	t.Run("failed logins lock the account, right password included", func(t *testing.T) {
		wrong := url.Values{"username": {"alice"}, "password": {"wrong"}}
		right := url.Values{"username": {"alice"}, "password": {rightPassword}}
		wantStatus(t, g.call(t, "/douyin/user/login/", right), errno.Success)
		for range 3 {
			wantStatus(t, g.call(t, "/douyin/user/login/", wrong), errno.LoginFailed)
		}
		wantStatus(t, g.call(t, "/douyin/user/login/", wrong), errno.LoginLocked)
		wantStatus(t, g.call(t, "/douyin/user/login/", right), errno.LoginLocked)
		// Another account is not affected.
		wantStatus(t, g.call(t, "/douyin/user/login/", url.Values{"username": {"bob"}, "password": {rightPassword}}), errno.Success)
	})

	for _, tt := range []struct {
		path string
		form url.Values
	}{
		{"/douyin/comment/action/", url.Values{"video_id": {"1"}, "action_type": {"1"}, "comment_text": {"hi"}}},
		{"/douyin/favorite/action/", url.Values{"video_id": {"1"}, "action_type": {"1"}}},
		{"/douyin/relation/action/", url.Values{"to_user_id": {"9"}, "action_type": {"1"}}},
		{"/douyin/message/action/", url.Values{"to_user_id": {"9"}, "action_type": {"1"}, "content": {"hi"}}},
	} {
		t.Run("per user: "+tt.path, func(t *testing.T) {
			with := func(token string) url.Values {
				v := url.Values{"token": {token}}
				for k, vs := range tt.form {
					v[k] = vs
				}
				return v
			}
			for range 2 {
				wantStatus(t, g.call(t, tt.path, with(tok)), errno.Success)
			}
			wantStatus(t, g.call(t, tt.path, with(tok)), errno.RateLimited)
			wantStatus(t, g.call(t, tt.path, with(other)), errno.Success)
		})
	}

	t.Run("publish per user", func(t *testing.T) {
		data := randomBytes(1000, 16)
		wantStatus(t, g.publish(t, nil, false, tokenPart(tok), titlePart("t"), dataPart(data)), errno.Success)
		dir := spoolDir(t)
		wantStatus(t, g.publish(t, nil, false, tokenPart(tok), titlePart("t"), dataPart(data)), errno.RateLimited)
		wantEmptyDir(t, dir)
		wantStatus(t, g.publish(t, nil, false, tokenPart(other), titlePart("t"), dataPart(data)), errno.Success)
	})
}

// DOUYIN_RATE_LIMITS=off turns every limit off.
func TestRateLimitsOff(t *testing.T) {
	t.Setenv("DOUYIN_RATE_LIMITS", "off")
	t.Setenv("DOUYIN_RATE_LIMIT_REGISTER", "1/1h")
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	g := startGatewayWith(t, newMemStore(), testutil.Cache(t), func(c *config.Config) { c.RateLimits = cfg.RateLimits })
	for range 20 {
		wantStatus(t, g.call(t, "/douyin/user/register/", url.Values{"username": {"u"}, "password": {"secret1"}}), errno.Success)
	}
}

// One token rule on every route: an empty token= in the query string is
// absent, so the body's token is the one used (publish included).
func TestEmptyQueryTokenNeverHidesTheBodyToken(t *testing.T) {
	g := startGateway(t, newMemStore(), uploadLimit)
	tok := g.token(t, userID)
	for _, path := range []string{"/douyin/comment/action/?token=", "/douyin/favorite/action/?token=&video_id=1", "/douyin/relation/action?token="} {
		form := url.Values{"token": {tok}, "video_id": {"1"}, "to_user_id": {"9"}, "action_type": {"1"}, "comment_text": {"hi"}}
		wantStatus(t, g.call(t, path, form), errno.Success)
	}
	st, _ := g.feed(t, feedRequest{query: url.Values{"token": {""}}, form: url.Values{"token": {tok}}})
	wantStatus(t, st, errno.Success)
	if reqs := g.videos.feeds(); len(reqs) != 1 || reqs[0].ViewerId != userID {
		t.Fatalf("feed viewer %+v, want the body token's user", reqs)
	}
	wantStatus(t, g.publish(t, url.Values{"token": {""}}, false, tokenPart(tok), titlePart("t"), dataPart(randomBytes(100, 17))), errno.Success)
	// An empty token everywhere is a missing one.
	wantStatus(t, g.call(t, "/douyin/comment/action/?token=", url.Values{"token": {""}, "video_id": {"1"}, "action_type": {"1"}}), errno.TokenMissing)
	wantStatus(t, g.publish(t, url.Values{"token": {""}}, false, tokenPart(""), titlePart("t"), dataPart(randomBytes(100, 17))), errno.TokenMissing)
}
