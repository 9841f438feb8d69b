package app

import (
	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/app/server"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/cmd/gateway/handler"
)

// router registers routes under /douyin. Every route accepts any method:
// some clients send GET with a form body, and parameters are read from the
// query string and the body alike.
type router struct {
	hd     *handler.Handler
	open   func(path string, fn app.HandlerFunc)
	authed func(path string, fn app.HandlerFunc)
	// optional routes accept a token but do not require one.
	optional func(path string, fn app.HandlerFunc)
}

func routes(h *server.Hertz, hd *handler.Handler, a *auth.Auth) {
	h.GET("/static/:name", hd.Static)
	h.GET("/media/*key", hd.Media)
	h.HEAD("/media/*key", hd.Media)
	api := h.Group("/douyin")
	r := router{
		hd:       hd,
		open:     func(path string, fn app.HandlerFunc) { api.Any(path, fn) },
		authed:   func(path string, fn app.HandlerFunc) { api.Any(path, a.Required(), fn) },
		optional: func(path string, fn app.HandlerFunc) { api.Any(path, a.Optional(), fn) },
	}
	r.userRoutes()
	r.videoRoutes()
	r.interactionRoutes()
	r.messageRoutes()
}

func (r router) userRoutes() {
	r.open("/user/register/", r.hd.Register)
	r.open("/user/login/", r.hd.Login)
	r.authed("/user/", r.hd.UserInfo)
	r.authed("/relation/action/", r.hd.RelationAction)
	r.authed("/relation/follow/list/", r.hd.FollowList)
	r.authed("/relation/follower/list/", r.hd.FollowerList)
}
