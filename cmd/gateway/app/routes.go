package app

import (
	"context"
	"net/http"
	"strings"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/app/server"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/cmd/gateway/handler"
	"github.com/douyin-go/douyin/cmd/gateway/live"
	"github.com/douyin-go/douyin/cmd/gateway/ratelimit"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/errno"
)

// tokenRule is what a route asks of the token parameter. Everywhere the
// token is the first non-empty "token" of the query string, then of the
// body: an empty token=, wherever it is, counts as absent.
type tokenRule int

const (
	// noToken: register and login, which issue tokens.
	noToken tokenRule = iota
	// tokenRequired: a valid token, whose user is the actor.
	tokenRequired
	// tokenOptional: anonymous, or a valid token (an invalid one is refused).
	tokenOptional
	// tokenInHandler: the handler checks the token itself (publish reads
	// it from a streamed multipart body, which the middleware would read
	// whole).
	tokenInHandler
)

// limitRule is the rate limit of a route: per client IP or per user, in a
// class of its own; the zero rule limits nothing.
type limitRule struct {
	class string
	perIP bool
}

func perIP(class string) limitRule   { return limitRule{class: class, perIP: true} }
func perUser(class string) limitRule { return limitRule{class: class} }

// route is one API route. Every route accepts any method: some clients
// send GET with a form body, and parameters are read from the query string
// and the body alike.
type route struct {
	path   string
	token  tokenRule
	limit  limitRule
	handle app.HandlerFunc
}

// apiRoutes is the API, in the contract's order, then its extensions.
// Publish applies its per-user limit itself, once it has read the token.
func apiRoutes(hd *handler.Handler, ws *live.Server) []route {
	return []route{
		{"/douyin/feed/", tokenOptional, limitRule{}, hd.Feed},
		{"/douyin/user/register/", noToken, perIP("register"), hd.Register},
		{"/douyin/user/login/", noToken, perIP("login"), hd.Login},
		{"/douyin/user/", tokenRequired, limitRule{}, hd.UserInfo},
		{"/douyin/publish/action/", tokenInHandler, limitRule{}, hd.PublishAction},
		{"/douyin/publish/list/", tokenRequired, limitRule{}, hd.PublishList},
		{"/douyin/favorite/action/", tokenRequired, perUser("like"), hd.FavoriteAction},
		{"/douyin/favorite/list/", tokenRequired, limitRule{}, hd.FavoriteList},
		{"/douyin/comment/action/", tokenRequired, perUser("comment"), hd.CommentAction},
		{"/douyin/comment/list/", tokenRequired, limitRule{}, hd.CommentList},
		{"/douyin/relation/action/", tokenRequired, perUser("follow"), hd.RelationAction},
		{"/douyin/relation/follow/list/", tokenRequired, limitRule{}, hd.FollowList},
		{"/douyin/relation/follower/list/", tokenRequired, limitRule{}, hd.FollowerList},
		{"/douyin/relation/friend/list/", tokenRequired, limitRule{}, hd.FriendList},
		{"/douyin/message/action/", tokenRequired, perUser("message"), hd.MessageAction},
		{"/douyin/message/chat/", tokenRequired, limitRule{}, hd.MessageChat},
		// Extension: live chat over WebSocket (docs/websocket.md). The
		// token is in the query (browsers cannot set headers on a
		// WebSocket); a refusal is a frame the browser can read.
		{"/douyin/message/ws/", tokenInHandler, limitRule{}, ws.Serve},
	}
}

// rateOf is the configured rate of a limit class.
func rateOf(limits config.RateLimits, class string) config.Rate {
	return map[string]config.Rate{
		"register": limits.Register, "login": limits.Login, "like": limits.Like,
		"comment": limits.Comment, "follow": limits.Follow, "message": limits.Message,
	}[class]
}

// register serves the API routes, each with and without its trailing
// slash (never redirecting), the files behind the URLs the API hands out
// (media: play_url, cover_url; the default profile images) and the web
// client (/ and its assets under /web/). Any other path or method is
// answered in JSON.
func register(h *server.Hertz, hd *handler.Handler, a *auth.Auth, limits *ratelimit.Limiter, ws *live.Server) {
	for _, r := range apiRoutes(hd, ws) {
		var chain []app.HandlerFunc
		switch r.token {
		case tokenRequired:
			chain = append(chain, a.Required())
		case tokenOptional:
			chain = append(chain, a.Optional())
		}
		if rate := rateOf(limits.Limits(), r.limit.class); limits != nil && !rate.Unlimited() {
			if r.limit.perIP {
				chain = append(chain, limits.PerIP(r.limit.class, rate))
			} else {
				chain = append(chain, limits.PerUser(r.limit.class, rate))
			}
		}
		chain = append(chain, r.handle)
		h.Any(r.path, chain...)
		h.Any(strings.TrimSuffix(r.path, "/"), chain...)
	}
	h.GET("/media/*key", hd.Media)
	h.HEAD("/media/*key", hd.Media)
	h.GET("/static/:name", hd.Static)
	h.HEAD("/static/:name", hd.Static)
	h.GET("/", hd.WebIndex)
	h.HEAD("/", hd.WebIndex)
	h.GET("/web/*name", hd.WebAsset)
	h.HEAD("/web/*name", hd.WebAsset)
	h.NoRoute(answer(http.StatusNotFound, errno.NotFound.WithMessage("no such route")))
	h.NoMethod(answer(http.StatusMethodNotAllowed, errno.MethodNotAllowed))
}

// answer replies with status and e as the API's JSON.
func answer(status int, e errno.ErrNo) app.HandlerFunc {
	return func(_ context.Context, c *app.RequestContext) {
		c.JSON(status, map[string]any{"status_code": e.Code, "status_msg": e.Msg})
	}
}
