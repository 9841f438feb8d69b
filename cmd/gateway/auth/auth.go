// Package auth issues and checks the HS256 tokens of the douyin API with
// hertz-contrib/jwt. A token's sub is the user id; it is read from the
// "token" parameter (query string first, then form body).
package auth

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/hertz-contrib/jwt"

	"github.com/douyin-go/douyin/pkg/errno"
)

const identityKey = "douyin_user_id"

// MinSecretLen is the shortest secret accepted.
const MinSecretLen = 16

// Auth issues tokens and guards routes.
type Auth struct {
	mw       *jwt.HertzJWTMiddleware
	verified *verified
	now      func() time.Time
}

// New builds an Auth signing with secret; tokens live for ttl. now is the
// clock (nil for time.Now), replaceable so tests can mint expired tokens.
func New(secret []byte, ttl time.Duration, now func() time.Time) (*Auth, error) {
	if len(secret) < MinSecretLen {
		return nil, errors.New("jwt secret must be at least 16 bytes")
	}
	if now == nil {
		now = time.Now
	}
	mw, err := jwt.New(&jwt.HertzJWTMiddleware{
		Realm:            "douyin",
		SigningAlgorithm: "HS256",
		Key:              secret,
		Timeout:          ttl,
		MaxRefresh:       0,
		IdentityKey:      identityKey,
		TokenLookup:      "query:token,form:token",
		TimeFunc:         now,
		PayloadFunc: func(data any) jwt.MapClaims {
			id, _ := data.(int64)
			return jwt.MapClaims{"sub": strconv.FormatInt(id, 10), "iat": now().Unix()}
		},
		IdentityHandler: func(ctx context.Context, c *app.RequestContext) any {
			sub, _ := jwt.ExtractClaims(ctx, c)["sub"].(string)
			id, err := strconv.ParseInt(sub, 10, 64)
			if err != nil || id <= 0 {
				return nil
			}
			return id
		},
		Authorizator: func(data any, _ context.Context, _ *app.RequestContext) bool {
			_, ok := data.(int64)
			return ok
		},
		HTTPStatusMessageFunc: func(e error, _ context.Context, _ *app.RequestContext) string {
			if errors.Is(e, jwt.ErrEmptyQueryToken) || errors.Is(e, jwt.ErrEmptyFormToken) {
				return errno.TokenMissing.Msg
			}
			return errno.TokenInvalid.Msg
		},
		Unauthorized: func(_ context.Context, c *app.RequestContext, _ int, message string) {
			e := errno.TokenInvalid
			if message == errno.TokenMissing.Msg {
				e = errno.TokenMissing
			}
			c.JSON(http.StatusOK, map[string]any{"status_code": e.Code, "status_msg": e.Msg})
		},
	})
	if err != nil {
		return nil, err
	}
	return &Auth{mw: mw, verified: newVerified(now), now: now}, nil
}

// Issue returns a token for userID.
func (a *Auth) Issue(userID int64) (string, error) {
	token, _, err := a.mw.TokenGenerator(userID)
	return token, err
}

// Required rejects requests without a valid token.
func (a *Auth) Required() app.HandlerFunc {
	check := a.mw.MiddlewareFunc()
	return func(ctx context.Context, c *app.RequestContext) {
		a.check(ctx, c, tokenOf(c), check)
	}
}

// Optional lets requests without a token through anonymously, but rejects
// a token that is present and invalid.
func (a *Auth) Optional() app.HandlerFunc {
	check := a.mw.MiddlewareFunc()
	return func(ctx context.Context, c *app.RequestContext) {
		token := tokenOf(c)
		if token == "" {
			c.Next(ctx)
			return
		}
		a.check(ctx, c, token, check)
	}
}

// check lets token, the request's, through at once when it is remembered;
// any other goes through the jwt middleware (which runs the rest of the
// chain when it passes) and is remembered if it passed.
func (a *Auth) check(ctx context.Context, c *app.RequestContext, token string, middleware app.HandlerFunc) {
	if id := a.verified.userOf(token); id > 0 {
		c.Set(identityKey, id)
		c.Next(ctx)
		return
	}
	middleware(ctx, c)
	if id := UserID(c); id > 0 {
		if expires, ok := expiryOf(jwt.ExtractClaims(ctx, c)); ok {
			a.verified.remember(token, id, expires)
		}
	}
}

// tokenOf is the request's token by the one rule of every route: the
// first non-empty "token" parameter, query string before form body (the
// middleware's TokenLookup).
func tokenOf(c *app.RequestContext) string {
	if t := c.Query("token"); t != "" {
		return t
	}
	return c.PostForm("token")
}

// UserID is the authenticated user of the request, 0 when anonymous.
func UserID(c *app.RequestContext) int64 {
	v, ok := c.Get(identityKey)
	if !ok {
		return 0
	}
	id, _ := v.(int64)
	return id
}

// Verify checks a token outside the middleware (for routes that must not
// let the middleware read the body, such as streamed uploads) and returns
// its user id.
func (a *Auth) Verify(token string) (int64, error) {
	if token == "" {
		return 0, errno.TokenMissing
	}
	if id := a.verified.userOf(token); id > 0 {
		return id, nil
	}
	parsed, err := a.mw.ParseTokenString(token)
	if err != nil || !parsed.Valid {
		return 0, errno.TokenInvalid
	}
	claims := jwt.ExtractClaimsFromToken(parsed)
	sub, _ := claims["sub"].(string)
	id, err := strconv.ParseInt(sub, 10, 64)
	// The parser checks expiry by the wall clock; the middleware, and so
	// this, by the auth clock.
	expires, hasExp := expiryOf(claims)
	if err != nil || id <= 0 || !hasExp || !a.now().Before(expires) {
		return 0, errno.TokenInvalid
	}
	a.verified.remember(token, id, expires)
	return id, nil
}

// expiryOf is the time in a token's "exp" claim; false when it has none.
func expiryOf(claims jwt.MapClaims) (time.Time, bool) {
	exp, ok := claims["exp"].(float64)
	return time.Unix(int64(exp), 0), ok
}
