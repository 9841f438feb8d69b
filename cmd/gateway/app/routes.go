package app

import (
	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/app/server"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/cmd/gateway/handler"
	"github.com/douyin-go/douyin/cmd/gateway/live"
)

// tokenRule is what a route asks of the token parameter.
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

// route is one API route. Every route accepts any method: some clients
// send GET with a form body, and parameters are read from the query string
// and the body alike.
type route struct {
	path   string
	token  tokenRule
	handle app.HandlerFunc
}

// apiRoutes is the API, in the contract's order, then its extensions.
func apiRoutes(hd *handler.Handler, ws *live.Server) []route {
	return []route{
		{"/douyin/feed/", tokenOptional, hd.Feed},
		{"/douyin/user/register/", noToken, hd.Register},
		{"/douyin/user/login/", noToken, hd.Login},
		{"/douyin/user/", tokenRequired, hd.UserInfo},
		{"/douyin/publish/action/", tokenInHandler, hd.PublishAction},
		{"/douyin/publish/list/", tokenRequired, hd.PublishList},
		{"/douyin/favorite/action/", tokenRequired, hd.FavoriteAction},
		{"/douyin/favorite/list/", tokenRequired, hd.FavoriteList},
		{"/douyin/comment/action/", tokenRequired, hd.CommentAction},
		{"/douyin/comment/list/", tokenRequired, hd.CommentList},
		{"/douyin/relation/action/", tokenRequired, hd.RelationAction},
		{"/douyin/relation/follow/list/", tokenRequired, hd.FollowList},
		{"/douyin/relation/follower/list/", tokenRequired, hd.FollowerList},
		{"/douyin/relation/friend/list/", tokenRequired, hd.FriendList},
		{"/douyin/message/action/", tokenRequired, hd.MessageAction},
		{"/douyin/message/chat/", tokenRequired, hd.MessageChat},
		// Extension: live chat over WebSocket (docs/websocket.md). The
		// token is in the query (browsers cannot set headers on a
		// WebSocket); a refusal is a frame the browser can read.
		{"/douyin/message/ws/", tokenInHandler, ws.Serve},
	}
}

// register serves the API routes, the files behind the URLs the API hands
// out (media: play_url, cover_url; the default profile images) and the web
// client (/ and its assets under /web/).
func register(h *server.Hertz, hd *handler.Handler, a *auth.Auth, ws *live.Server) {
	for _, r := range apiRoutes(hd, ws) {
		switch r.token {
		case tokenRequired:
			h.Any(r.path, a.Required(), r.handle)
		case tokenOptional:
			h.Any(r.path, a.Optional(), r.handle)
		default:
			h.Any(r.path, r.handle)
		}
	}
	h.GET("/media/*key", hd.Media)
	h.HEAD("/media/*key", hd.Media)
	h.GET("/static/:name", hd.Static)
	h.GET("/", hd.WebIndex)
	h.HEAD("/", hd.WebIndex)
	h.GET("/web/*name", hd.WebAsset)
	h.HEAD("/web/*name", hd.WebAsset)
}
