package live

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/hertz-contrib/websocket"

	"github.com/douyin-go/douyin/pkg/errno"
)

// Tokens checks an API token and returns its user (auth.Auth does).
type Tokens interface {
	Verify(token string) (int64, error)
}

// Options tune the live server.
type Options struct {
	Limits Limits
	Timing Timing
	// Queue is how many messages may wait for one socket before it is
	// dropped as too slow.
	Queue int
}

// DefaultOptions are the production settings; limits come from config.
func DefaultOptions(limits Limits) Options {
	return Options{
		Limits: limits,
		Timing: Timing{Ping: 25 * time.Second, Pong: 60 * time.Second, Write: 10 * time.Second, Sync: 5 * time.Second},
		Queue:  256,
	}
}

// Server upgrades requests to live chat sockets.
type Server struct {
	hub      *Hub
	tokens   Tokens
	history  History
	ready    func() bool
	opts     Options
	log      *slog.Logger
	upgrader websocket.HertzUpgrader
}

// NewServer serves sockets registered in hub, authenticated by tokens,
// catching up through history; ready says whether this replica receives
// message events yet (before, sockets are refused: they would miss some).
func NewServer(hub *Hub, tokens Tokens, history History, ready func() bool, opts Options, log *slog.Logger) *Server {
	return &Server{
		hub: hub, tokens: tokens, history: history, ready: ready, opts: opts, log: log,
		upgrader: websocket.HertzUpgrader{
			// The token rides in the query, not in a cookie, so another
			// site cannot borrow a visitor's session: any origin may
			// connect, as any origin may call the HTTP API.
			CheckOrigin: func(*app.RequestContext) bool { return true },
			Error: func(c *app.RequestContext, status int, reason error) {
				c.AbortWithStatusJSON(status, map[string]any{"status_code": errno.ParamErr.Code, "status_msg": reason.Error()})
			},
		},
	}
}

// Serve serves GET /douyin/message/ws/?token=…: the socket of the token's
// user. Refusals after the upgrade are an error frame and a close code,
// which a browser can read (it cannot read a refused handshake).
func (s *Server) Serve(_ context.Context, c *app.RequestContext) {
	if !isUpgrade(c) {
		c.JSON(http.StatusOK, map[string]any{"status_code": errno.ParamErr.Code,
			"status_msg": "this is the live chat WebSocket: connect with a WebSocket client (docs/websocket.md)"})
		return
	}
	token := string(c.QueryArgs().Peek("token"))
	_ = s.upgrader.Upgrade(c, func(conn *websocket.Conn) {
		defer conn.Close()
		s.serveSocket(token, conn)
	})
}

func (s *Server) serveSocket(token string, conn *websocket.Conn) {
	user, err := s.tokens.Verify(token)
	if err != nil {
		refuse(conn, err, ClosePolicy)
		return
	}
	if !s.ready() {
		refuse(conn, errno.ServiceUnavail.WithMessage("live chat is starting, please reconnect"), CloseTryAgainLater)
		return
	}
	sess := newSession(user, conn, s.history, s.opts.Timing, s.opts.Queue)
	if err := s.hub.add(sess); err != nil {
		code := CloseTryAgainLater
		if errors.Is(err, errno.LiveConnLimit) {
			code = ClosePolicy
		}
		refuse(conn, err, code)
		return
	}
	defer s.hub.remove(sess)
	sess.run(context.Background())
}

// refuse sends why in a refused frame, then closes with code.
func refuse(conn *websocket.Conn, why error, code int) {
	deadline := time.Now().Add(time.Second)
	_ = conn.SetWriteDeadline(deadline)
	_ = conn.WriteMessage(websocket.TextMessage, encode(refusedFrame(why)))
	_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, errno.Convert(why).Msg), deadline)
}

// isUpgrade reports whether the request asks for a WebSocket.
func isUpgrade(c *app.RequestContext) bool {
	return strings.EqualFold(string(c.Request.Header.Peek("Upgrade")), "websocket") &&
		strings.Contains(strings.ToLower(string(c.Request.Header.Peek("Connection"))), "upgrade")
}
