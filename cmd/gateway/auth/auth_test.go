package auth_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/common/config"
	"github.com/cloudwego/hertz/pkg/common/ut"
	"github.com/cloudwego/hertz/pkg/route"
	"github.com/golang-jwt/jwt/v4"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/pkg/errno"
)

var secret = []byte("0123456789abcdef-test-secret")

func newAuth(t testing.TB, key []byte, ttl time.Duration, now func() time.Time) *auth.Auth {
	t.Helper()
	a, err := auth.New(key, ttl, now)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// engine serves /required and /optional guarded by a; the handler answers
// with the request's user id.
func engine(a *auth.Auth) *route.Engine {
	e := route.NewEngine(config.NewOptions(nil))
	h := func(_ context.Context, c *app.RequestContext) {
		c.JSON(200, map[string]any{"status_code": 0, "status_msg": "success", "user_id": auth.UserID(c), "reached": true})
	}
	e.Any("/required", a.Required(), h)
	e.Any("/optional", a.Optional(), h)
	return e
}

type answer struct {
	StatusCode int32  `json:"status_code"`
	StatusMsg  string `json:"status_msg"`
	UserID     int64  `json:"user_id"`
	Reached    bool   `json:"reached"`
}

// request says how the token travels.
type request struct {
	query     string // raw query, without "?"
	form      url.Values
	multipart map[string]string
}

func perform(t *testing.T, e *route.Engine, method, path string, r request) answer {
	t.Helper()
	target := path
	if r.query != "" {
		target += "?" + r.query
	}
	var body *ut.Body
	var headers []ut.Header
	switch {
	case r.form != nil:
		enc := r.form.Encode()
		body = &ut.Body{Body: strings.NewReader(enc), Len: len(enc)}
		headers = append(headers, ut.Header{Key: "Content-Type", Value: "application/x-www-form-urlencoded"})
	case r.multipart != nil:
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for k, v := range r.multipart {
			if err := w.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		body = &ut.Body{Body: bytes.NewReader(buf.Bytes()), Len: buf.Len()}
		headers = append(headers, ut.Header{Key: "Content-Type", Value: w.FormDataContentType()})
	}
	resp := ut.PerformRequest(e, method, target, body, headers...).Result()
	if resp.StatusCode() != 200 {
		t.Fatalf("HTTP %d, want 200 (body %s)", resp.StatusCode(), resp.Body())
	}
	var a answer
	if err := json.Unmarshal(resp.Body(), &a); err != nil {
		t.Fatalf("body %q is not JSON: %v", resp.Body(), err)
	}
	if a.StatusMsg == "" {
		t.Fatalf("empty status_msg in %s", resp.Body())
	}
	return a
}

func q(token string) string { return "token=" + url.QueryEscape(token) }

// sign makes a token with arbitrary claims and method.
func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func unsigned(claims jwt.MapClaims) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "none", "typ": "JWT"}) + "." + enc(claims) + "."
}

func validClaims(sub any) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{"sub": sub, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
}

func TestIssuedTokenClaims(t *testing.T) {
	fixed := time.Now().Add(-time.Minute).Truncate(time.Second)
	a := newAuth(t, secret, 7*24*time.Hour, func() time.Time { return fixed })
	token, err := a.Issue(42)
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	parsed, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return secret, nil })
	if err != nil || !parsed.Valid {
		t.Fatalf("issued token does not verify with the secret: %v", err)
	}
	if parsed.Method.Alg() != "HS256" {
		t.Fatalf("alg %s, want HS256", parsed.Method.Alg())
	}
	if claims["sub"] != "42" {
		t.Fatalf("sub %#v, want \"42\"", claims["sub"])
	}
	if iat, _ := claims["iat"].(float64); int64(iat) != fixed.Unix() {
		t.Fatalf("iat %v, want %d", claims["iat"], fixed.Unix())
	}
	if exp, _ := claims["exp"].(float64); int64(exp) != fixed.Add(7*24*time.Hour).Unix() {
		t.Fatalf("exp %v, want iat + 7 days", claims["exp"])
	}
}

func TestRequired(t *testing.T) {
	a := newAuth(t, secret, time.Hour, nil)
	e := engine(a)
	good, err := a.Issue(42)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := a.Issue(7)
	expired, _ := newAuth(t, secret, time.Hour, func() time.Time { return time.Now().Add(-2 * time.Hour) }).Issue(42)
	wrongKey, _ := newAuth(t, []byte("another-secret-of-16+"), time.Hour, nil).Issue(42)
	parts := strings.Split(good, ".")
	forgedSub := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"1","exp":`+strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)+`}`)) + "." + parts[2]
	badSig := parts[0] + "." + parts[1] + "." + flip(parts[2])

	tests := []struct {
		name   string
		method string
		req    request
		want   errno.ErrNo
		wantID int64
	}{
		{"query", "GET", request{query: q(good)}, errno.Success, 42},
		{"urlencoded body", "POST", request{form: url.Values{"token": {good}}}, errno.Success, 42},
		{"multipart body", "POST", request{multipart: map[string]string{"token": good}}, errno.Success, 42},
		{"form body on GET", "GET", request{form: url.Values{"token": {good}}}, errno.Success, 42},
		{"query wins over body", "POST", request{query: q(other), form: url.Values{"token": {good}}}, errno.Success, 7},
		{"bad query token is not rescued by the body", "POST", request{query: q("garbage"), form: url.Values{"token": {good}}}, errno.TokenInvalid, 0},
		{"empty query token falls back to the body", "POST", request{query: "token=", form: url.Values{"token": {good}}}, errno.Success, 42},
		{"missing", "GET", request{}, errno.TokenMissing, 0},
		{"missing on POST", "POST", request{form: url.Values{"x": {"1"}}}, errno.TokenMissing, 0},
		{"empty", "GET", request{query: "token="}, errno.TokenMissing, 0},
		{"garbage", "GET", request{query: q("not-a-jwt")}, errno.TokenInvalid, 0},
		{"tampered payload", "GET", request{query: q(forgedSub)}, errno.TokenInvalid, 0},
		{"tampered signature", "GET", request{query: q(badSig)}, errno.TokenInvalid, 0},
		{"expired", "GET", request{query: q(expired)}, errno.TokenInvalid, 0},
		{"wrong key", "GET", request{query: q(wrongKey)}, errno.TokenInvalid, 0},
		{"alg none", "GET", request{query: q(unsigned(validClaims("42")))}, errno.TokenInvalid, 0},
		{"HS512 with the right key", "GET", request{query: q(sign(t, jwt.SigningMethodHS512, secret, validClaims("42")))}, errno.TokenInvalid, 0},
		{"right key, forged claims", "GET", request{query: q(sign(t, jwt.SigningMethodHS256, secret, validClaims("5")))}, errno.Success, 5},
		{"sub not a number", "GET", request{query: q(sign(t, jwt.SigningMethodHS256, secret, validClaims("abc")))}, errno.TokenInvalid, 0},
		{"sub zero", "GET", request{query: q(sign(t, jwt.SigningMethodHS256, secret, validClaims("0")))}, errno.TokenInvalid, 0},
		{"sub negative", "GET", request{query: q(sign(t, jwt.SigningMethodHS256, secret, validClaims("-3")))}, errno.TokenInvalid, 0},
		{"sub with trailing junk", "GET", request{query: q(sign(t, jwt.SigningMethodHS256, secret, validClaims("42x")))}, errno.TokenInvalid, 0},
		{"sub missing", "GET", request{query: q(sign(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{"exp": time.Now().Add(time.Hour).Unix()}))}, errno.TokenInvalid, 0},
		{"exp missing", "GET", request{query: q(sign(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": "42"}))}, errno.TokenInvalid, 0},
		{"exp not a number", "GET", request{query: q(sign(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": "42", "exp": "never"}))}, errno.TokenInvalid, 0},
		{"exp in the past", "GET", request{query: q(sign(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": "42", "exp": time.Now().Add(-time.Second).Unix()}))}, errno.TokenInvalid, 0},
		{"not valid yet", "GET", request{query: q(sign(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": "42", "exp": time.Now().Add(2 * time.Hour).Unix(), "nbf": time.Now().Add(time.Hour).Unix()}))}, errno.TokenInvalid, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := perform(t, e, tt.method, "/required", tt.req)
			if got.StatusCode != tt.want.Code {
				t.Fatalf("status_code %d (%s), want %d", got.StatusCode, got.StatusMsg, tt.want.Code)
			}
			if tt.want.Code != 0 {
				if got.Reached {
					t.Fatal("the handler ran for a rejected request")
				}
				if got.StatusMsg != tt.want.Msg {
					t.Fatalf("status_msg %q, want %q", got.StatusMsg, tt.want.Msg)
				}
				return
			}
			if !got.Reached || got.UserID != tt.wantID {
				t.Fatalf("reached=%v user_id=%d, want user %d", got.Reached, got.UserID, tt.wantID)
			}
		})
	}
}

func flip(s string) string {
	b := []byte(s)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

func TestExpiryFollowsTheAuthClock(t *testing.T) {
	issued, err := newAuth(t, secret, time.Hour, nil).Issue(42)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		skew time.Duration
		want errno.ErrNo
	}{
		{"within the ttl", 59 * time.Minute, errno.Success},
		{"past the ttl", 61 * time.Minute, errno.TokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			later := newAuth(t, secret, time.Hour, func() time.Time { return time.Now().Add(tt.skew) })
			got := perform(t, engine(later), "GET", "/required", request{query: q(issued)})
			if got.StatusCode != tt.want.Code {
				t.Fatalf("status_code %d (%s), want %d", got.StatusCode, got.StatusMsg, tt.want.Code)
			}
		})
	}
}

func TestOptional(t *testing.T) {
	a := newAuth(t, secret, time.Hour, nil)
	e := engine(a)
	good, _ := a.Issue(42)
	expired, _ := newAuth(t, secret, time.Hour, func() time.Time { return time.Now().Add(-2 * time.Hour) }).Issue(42)
	tests := []struct {
		name   string
		method string
		req    request
		want   errno.ErrNo
		wantID int64
	}{
		{"no token is anonymous", "GET", request{}, errno.Success, 0},
		{"empty token is anonymous", "GET", request{query: "token="}, errno.Success, 0},
		{"valid token in query", "GET", request{query: q(good)}, errno.Success, 42},
		{"valid token in body", "POST", request{form: url.Values{"token": {good}}}, errno.Success, 42},
		{"valid token in multipart", "POST", request{multipart: map[string]string{"token": good}}, errno.Success, 42},
		{"bad token", "GET", request{query: q("garbage")}, errno.TokenInvalid, 0},
		{"bad token in body", "POST", request{form: url.Values{"token": {"garbage"}}}, errno.TokenInvalid, 0},
		{"expired token", "GET", request{query: q(expired)}, errno.TokenInvalid, 0},
		{"alg none", "GET", request{query: q(unsigned(validClaims("42")))}, errno.TokenInvalid, 0},
		{"sub not a number", "GET", request{query: q(sign(t, jwt.SigningMethodHS256, secret, validClaims("abc")))}, errno.TokenInvalid, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := perform(t, e, tt.method, "/optional", tt.req)
			if got.StatusCode != tt.want.Code {
				t.Fatalf("status_code %d (%s), want %d", got.StatusCode, got.StatusMsg, tt.want.Code)
			}
			if tt.want.Code != 0 {
				if got.Reached {
					t.Fatal("the handler ran for a rejected token")
				}
				return
			}
			if !got.Reached || got.UserID != tt.wantID {
				t.Fatalf("reached=%v user_id=%d, want user %d", got.Reached, got.UserID, tt.wantID)
			}
		})
	}
}

func TestNewRejectsShortSecret(t *testing.T) {
	for _, key := range [][]byte{nil, []byte("short"), []byte("fifteen-chars!!")} {
		if _, err := auth.New(key, time.Hour, nil); err == nil {
			t.Errorf("New(%q) accepted a %d-byte secret", key, len(key))
		}
	}
	if _, err := auth.New([]byte("sixteen-chars!!!"), time.Hour, nil); err != nil {
		t.Errorf("New with a 16-byte secret: %v", err)
	}
}

func TestUserIDWithoutAuth(t *testing.T) {
	if id := auth.UserID(app.NewContext(0)); id != 0 {
		t.Fatalf("UserID of an unauthenticated request = %d", id)
	}
}

// A token this gateway has already checked is remembered, but it still
// expires by the auth clock, and only a byte-identical copy is taken from
// memory: a tampered copy of a remembered token is checked in full.
func TestRememberedTokensStillExpireAndMustMatchExactly(t *testing.T) {
	start := time.Now()
	var skew atomic.Int64
	now := func() time.Time { return start.Add(time.Duration(skew.Load())) }
	a := newAuth(t, secret, time.Hour, now)
	e := engine(a)
	tok, err := a.Issue(42)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	tests := []struct {
		name  string
		skew  time.Duration
		token string
		want  errno.ErrNo
	}{
		{"first use", 0, tok, errno.Success},
		{"remembered", time.Minute, tok, errno.Success},
		{"tampered signature of a remembered token", time.Minute, parts[0] + "." + parts[1] + "." + flip(parts[2]), errno.TokenInvalid},
		{"trailing byte on a remembered token", time.Minute, tok + "A", errno.TokenInvalid},
		{"remembered, just before expiry", 59 * time.Minute, tok, errno.Success},
		{"remembered, past expiry", 61 * time.Minute, tok, errno.TokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			skew.Store(int64(tt.skew))
			got := perform(t, e, "GET", "/required", request{query: q(tt.token)})
			if got.StatusCode != tt.want.Code {
				t.Fatalf("middleware: status_code %d (%s), want %d", got.StatusCode, got.StatusMsg, tt.want.Code)
			}
			id, err := a.Verify(tt.token)
			if (err == nil) != (tt.want.Code == 0) || (err == nil && id != 42) {
				t.Fatalf("Verify = %d, %v; want %v", id, err, tt.want)
			}
		})
	}
}
