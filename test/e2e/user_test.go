package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/pkg/errno"
)

func TestRegisterLoginAndProfile(t *testing.T) {
	s := newSystem(t)
	alice := s.register("alice")

	t.Run("login with the same credentials, params in a form body", func(t *testing.T) {
		r := mustOK(t, s.form(http.MethodPost, "/douyin/user/login/", url.Values{"username": {alice.name}, "password": {passwordOf(alice.name)}}))
		if r.int("user_id") != alice.id || r.str("token") == "" {
			t.Fatalf("login: %v", r)
		}
	})
	t.Run("profile has every user field", func(t *testing.T) {
		r := mustOK(t, s.call(http.MethodGet, "/douyin/user/", url.Values{"user_id": {id(alice.id)}, "token": {alice.token}}))
		u, _ := r["user"].(map[string]any)
		for _, f := range []string{"id", "name", "follow_count", "follower_count", "is_follow", "avatar", "background_image", "signature", "total_favorited", "work_count", "favorite_count"} {
			if _, ok := u[f]; !ok {
				t.Errorf("user has no %s: %v", f, u)
			}
		}
		if r.str("user.name") != alice.name || r.int("user.follow_count") != 0 || r.get("user.is_follow") != false {
			t.Fatalf("profile: %v", r)
		}
	})
	t.Run("missing user_id means the token's own user", func(t *testing.T) {
		r := mustOK(t, s.call(http.MethodGet, "/douyin/user/", url.Values{"token": {alice.token}}))
		if r.int("user.id") != alice.id {
			t.Fatalf("got %v", r)
		}
	})
	t.Run("default images are served", func(t *testing.T) {
		r := mustOK(t, s.call(http.MethodGet, "/douyin/user/", url.Values{"token": {alice.token}}))
		for _, field := range []string{"user.avatar", "user.background_image"} {
			res, err := http.Get(r.str(field))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("%s %s: %d %s", field, r.str(field), res.StatusCode, res.Header.Get("Content-Type"))
			}
		}
	})
	t.Run("GET with a form body is read too", func(t *testing.T) {
		r := mustOK(t, s.form(http.MethodGet, "/douyin/user/", url.Values{"token": {alice.token}, "user_id": {id(alice.id)}}))
		if r.int("user.id") != alice.id {
			t.Fatalf("got %v", r)
		}
	})
	t.Run("query string wins over the body", func(t *testing.T) {
		bob := s.register("bob")
		req, _ := http.NewRequest(http.MethodPost, s.base+"/douyin/user/?user_id="+id(bob.id)+"&token="+alice.token,
			strings.NewReader(url.Values{"user_id": {id(alice.id)}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := mustOK(t, s.do(req)); r.int("user.id") != bob.id {
			t.Fatalf("got %v", r)
		}
	})
}

func TestRegisterAndLoginErrors(t *testing.T) {
	s := newSystem(t)
	taken := s.register("taken").name
	long := strings.Repeat("x", 33)
	tests := []struct {
		name   string
		path   string
		params url.Values
		want   errno.ErrNo
	}{
		{"duplicate username", "/douyin/user/register/", url.Values{"username": {taken}, "password": {"secret1"}}, errno.UserAlreadyExist},
		{"over-long username", "/douyin/user/register/", url.Values{"username": {long}, "password": {"p"}}, errno.ParamErr},
		{"over-long password", "/douyin/user/register/", url.Values{"username": {"n1"}, "password": {long}}, errno.ParamErr},
		{"empty password", "/douyin/user/register/", url.Values{"username": {"n2"}, "password": {""}}, errno.ParamErr},
		{"five-character password", "/douyin/user/register/", url.Values{"username": {"n3"}, "password": {"12345"}}, errno.ParamErr},
		{"zero-width space in the name", "/douyin/user/register/", url.Values{"username": {"ta\u200bken"}, "password": {"secret1"}}, errno.ParamErr},
		{"sensitive word in the name", "/douyin/user/register/", url.Values{"username": {"fuck-" + taken}, "password": {"secret1"}}, errno.TextNotAllowed},
		{"missing username", "/douyin/user/register/", url.Values{"password": {"p"}}, errno.ParamErr},
		{"wrong password", "/douyin/user/login/", url.Values{"username": {taken}, "password": {"nope"}}, errno.LoginFailed},
		{"unknown user", "/douyin/user/login/", url.Values{"username": {"ghost-" + taken}, "password": {"p"}}, errno.LoginFailed},
		{"empty login", "/douyin/user/login/", url.Values{}, errno.ParamErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustFail(t, s.call(http.MethodPost, tt.path, tt.params), int64(tt.want.Code))
			// Register and login always carry user_id and token.
			if r.int("user_id") != 0 || r.get("token") != "" {
				t.Fatalf("want user_id 0 and token \"\", got %v", r)
			}
		})
	}
}

func TestUsernameIsStoredLiterally(t *testing.T) {
	s := newSystem(t)
	for _, name := range []string{`o'brien "the" \ quote`, "小明", "Bob", "bob", "'; DROP TABLE users; --"} {
		a := s.register(name)
		r := mustOK(t, s.call(http.MethodGet, "/douyin/user/", url.Values{"token": {a.token}}))
		if r.str("user.name") != a.name {
			t.Fatalf("stored %q, got %q", a.name, r.str("user.name"))
		}
		mustOK(t, s.call(http.MethodPost, "/douyin/user/login/", url.Values{"username": {a.name}, "password": {passwordOf(a.name)}}))
	}
}

func TestTokens(t *testing.T) {
	s := newSystem(t)
	alice := s.register("alice")
	secret, err := auth.Secret(s.cfg.JWT.Secret, s.cfg.DataDir, s.cfg.JWT.Secret == "")
	if err != nil {
		t.Fatal(err)
	}
	past, _ := auth.New(secret, time.Hour, func() time.Time { return time.Now().Add(-2 * time.Hour) })
	expired, _ := past.Issue(alice.id)
	other, _ := auth.New([]byte("another-secret-of-enough-length"), time.Hour, nil)
	forged, _ := other.Issue(alice.id)
	parts := strings.Split(alice.token, ".")
	tampered := parts[0] + "." + parts[1] + "x." + parts[2]

	tests := []struct {
		name  string
		token *string
		want  errno.ErrNo
	}{
		{"missing", nil, errno.TokenMissing},
		{"garbage", ptr("not-a-token"), errno.TokenInvalid},
		{"tampered", &tampered, errno.TokenInvalid},
		{"signed with another key", &forged, errno.TokenInvalid},
		{"expired", &expired, errno.TokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := url.Values{"user_id": {id(alice.id)}}
			if tt.token != nil {
				params.Set("token", *tt.token)
			}
			for _, path := range []string{"/douyin/user/", "/douyin/relation/follow/list/", "/douyin/relation/follower/list/"} {
				mustFail(t, s.call(http.MethodGet, path, params), int64(tt.want.Code))
			}
			params.Set("to_user_id", id(alice.id))
			params.Set("action_type", "1")
			mustFail(t, s.call(http.MethodPost, "/douyin/relation/action/", params), int64(tt.want.Code))
		})
	}
	t.Run("token claims", func(t *testing.T) {
		claims := decodeClaims(t, alice.token)
		if claims["sub"] != id(alice.id) || claims["exp"] == nil || claims["iat"] == nil {
			t.Fatalf("claims %v", claims)
		}
		exp, _ := claims["exp"].(json.Number).Int64()
		iat, _ := claims["iat"].(json.Number).Int64()
		if exp-iat != int64((7 * 24 * time.Hour).Seconds()) {
			t.Fatalf("token lives %ds, want 7 days", exp-iat)
		}
	})
}

func TestFollowFlow(t *testing.T) {
	s := newSystem(t)
	alice, bob, carol := s.register("alice"), s.register("bob"), s.register("carol")
	follow := func(a account, to int64, action string) resp {
		return s.form(http.MethodPost, "/douyin/relation/action/", url.Values{"token": {a.token}, "to_user_id": {id(to)}, "action_type": {action}})
	}
	profile := func(viewer account, of int64) resp {
		return mustOK(t, s.call(http.MethodGet, "/douyin/user/", url.Values{"token": {viewer.token}, "user_id": {id(of)}}))
	}

	mustOK(t, follow(alice, bob.id, "1"))
	mustOK(t, follow(alice, bob.id, "1")) // idempotent
	mustOK(t, follow(carol, bob.id, "1"))
	// Counts and is_follow are right as soon as the action returned.
	if r := profile(alice, bob.id); r.int("user.follower_count") != 2 || r.get("user.is_follow") != true {
		t.Fatalf("bob seen by alice: %v", r)
	}
	if r := profile(bob, bob.id); r.get("user.is_follow") != false {
		t.Fatalf("bob seen by bob: %v", r)
	}
	if r := profile(alice, alice.id); r.int("user.follow_count") != 1 {
		t.Fatalf("alice: %v", r)
	}

	followers := mustOK(t, s.call(http.MethodGet, "/douyin/relation/follower/list/", url.Values{"token": {alice.token}, "user_id": {id(bob.id)}})).list(t, "user_list")
	if len(followers) != 2 || followers[0]["name"] != carol.name || followers[1]["name"] != alice.name {
		t.Fatalf("followers of bob, newest first: %v", followers)
	}
	follows := mustOK(t, s.call(http.MethodGet, "/douyin/relation/follow/list/", url.Values{"token": {carol.token}, "user_id": {id(alice.id)}})).list(t, "user_list")
	if len(follows) != 1 || follows[0]["name"] != bob.name || follows[0]["is_follow"] != true {
		t.Fatalf("alice follows, seen by carol: %v", follows)
	}
	empty := mustOK(t, s.call(http.MethodGet, "/douyin/relation/follow/list/", url.Values{"token": {alice.token}, "user_id": {id(bob.id)}})).list(t, "user_list")
	if len(empty) != 0 {
		t.Fatalf("bob follows nobody: %v", empty)
	}

	mustOK(t, follow(alice, bob.id, "2"))
	mustOK(t, follow(alice, bob.id, "2")) // unfollowing again is success
	if r := profile(alice, bob.id); r.int("user.follower_count") != 1 || r.get("user.is_follow") != false {
		t.Fatalf("after unfollow: %v", r)
	}

	bad := []struct {
		name   string
		params url.Values
		want   errno.ErrNo
	}{
		{"self-follow", url.Values{"to_user_id": {id(alice.id)}, "action_type": {"1"}}, errno.FollowSelf},
		{"unknown user", url.Values{"to_user_id": {"999999999"}, "action_type": {"1"}}, errno.UserNotExist},
		{"missing to_user_id", url.Values{"action_type": {"1"}}, errno.ParamErr},
		{"non-numeric to_user_id", url.Values{"to_user_id": {"abc"}, "action_type": {"1"}}, errno.ParamErr},
		{"negative to_user_id", url.Values{"to_user_id": {"-3"}, "action_type": {"1"}}, errno.ParamErr},
		{"bad action_type", url.Values{"to_user_id": {id(bob.id)}, "action_type": {"3"}}, errno.BadActionType},
		{"non-numeric action_type", url.Values{"to_user_id": {id(bob.id)}, "action_type": {"x"}}, errno.ParamErr},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			tt.params.Set("token", alice.token)
			mustFail(t, s.call(http.MethodPost, "/douyin/relation/action/", tt.params), int64(tt.want.Code))
		})
	}
	for _, tt := range []struct{ name, userID string }{{"unknown", "999999999"}, {"non-numeric", "x1"}, {"missing", ""}} {
		t.Run("list for "+tt.name+" user_id", func(t *testing.T) {
			params := url.Values{"token": {alice.token}}
			if tt.userID != "" {
				params.Set("user_id", tt.userID)
			}
			mustFail(t, s.call(http.MethodGet, "/douyin/relation/follower/list/", params), 0)
			mustFail(t, s.call(http.MethodGet, "/douyin/user/", url.Values{"token": {alice.token}, "user_id": {tt.userID + "z"}}), 0)
		})
	}
}

func TestRestartKeepsDataAndCounts(t *testing.T) {
	embeddedOnly(t)
	dir := t.TempDir()
	s := startSystem(t, dir)
	alice, bob := s.register("alice"), s.register("bob")
	mustOK(t, s.call(http.MethodPost, "/douyin/relation/action/", url.Values{"token": {alice.token}, "to_user_id": {id(bob.id)}, "action_type": {"1"}}))
	s.stop()

	s2 := startWith(t, s.cfg)
	defer s2.stop()
	// The old token still works: the generated secret was kept.
	r := mustOK(t, s2.call(http.MethodGet, "/douyin/user/", url.Values{"token": {alice.token}, "user_id": {id(bob.id)}}))
	if r.int("user.follower_count") != 1 || r.get("user.is_follow") != true {
		t.Fatalf("after restart: %v", r)
	}
	mustOK(t, s2.call(http.MethodPost, "/douyin/relation/action/", url.Values{"token": {bob.token}, "to_user_id": {id(alice.id)}, "action_type": {"1"}}))
	r = mustOK(t, s2.call(http.MethodGet, "/douyin/user/", url.Values{"token": {bob.token}, "user_id": {id(alice.id)}}))
	if r.int("user.follower_count") != 1 || r.int("user.follow_count") != 1 {
		t.Fatalf("after restart and a new follow: %v", r)
	}
}

func TestPanicBecomesJSONError(t *testing.T) {
	s := newSystem(t)
	// Unknown routes are plain 404s, but every /douyin route answers JSON
	// even for nonsense input.
	r := s.call(http.MethodPost, "/douyin/relation/action/", url.Values{"token": {"a.b.c"}, "to_user_id": {"1e400"}, "action_type": {"1"}})
	mustFail(t, r, 0)
}

func ptr(s string) *string { return &s }
