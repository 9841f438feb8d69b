// Package liveclient is a Go client of the gateway's live chat socket
// (docs/websocket.md), for tests and the load generator.
package liveclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/douyin-go/douyin/cmd/gateway/live"
)

// Path is the socket's route on the gateway.
const Path = "/douyin/message/ws/"

// URL is the socket address of the gateway at base (http://host:port) for
// token.
func URL(base, token string) string {
	u := strings.TrimRight(base, "/")
	u = "ws" + strings.TrimPrefix(u, "http") // http→ws, https→wss
	return u + Path + "?token=" + url.QueryEscape(token)
}

// Refused is a socket the server turned down: its error frame and close code.
type Refused struct {
	StatusCode int32
	StatusMsg  string
	CloseCode  int
}

func (r *Refused) Error() string {
	return fmt.Sprintf("live chat refused (close %d): %d %s", r.CloseCode, r.StatusCode, r.StatusMsg)
}

// Retryable says whether connecting again later may succeed (the replica
// was starting, full or shutting down).
func (r *Refused) Retryable() bool { return r.CloseCode != live.ClosePolicy }

// Conn is an open, registered socket.
type Conn struct {
	ws *websocket.Conn
	// User is the user the server registered the socket for.
	User int64
}

// Dial opens a socket and waits for its ready frame: from then on every
// message of the user is pushed.
func Dial(ctx context.Context, base, token string) (*Conn, error) {
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, URL(base, token), nil)
	if err != nil {
		return nil, err
	}
	c := &Conn{ws: ws}
	f, err := c.Next(ctx)
	if err != nil {
		ws.Close()
		return nil, err
	}
	if f.Type != live.TypeReady {
		ws.Close()
		return nil, fmt.Errorf("first frame %+v, want ready", f)
	}
	c.User = f.UserID
	return c, nil
}

// DialRetry is Dial, trying again while the refusal is retryable, until
// ctx ends.
func DialRetry(ctx context.Context, base, token string) (*Conn, error) {
	for {
		c, err := Dial(ctx, base, token)
		var refused *Refused
		if err == nil || !errors.As(err, &refused) || !refused.Retryable() {
			return c, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Sync asks for the conversation with peer after preMsgTime (ms), then
// every new message of it.
func (c *Conn) Sync(peer, preMsgTime int64) error {
	return c.ws.WriteJSON(live.Inbound{Type: live.TypeSync, ToUserID: peer, PreMsgTime: preMsgTime})
}

// Next reads the next frame, until ctx's deadline (if any). A refusal is
// returned as *Refused.
func (c *Conn) Next(ctx context.Context) (live.Outbound, error) {
	deadline, _ := ctx.Deadline()
	_ = c.ws.SetReadDeadline(deadline)
	var f live.Outbound
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return f, fmt.Errorf("frame %q: %w", data, err)
	}
	if f.Type == live.TypeRefused {
		refused := &Refused{StatusCode: f.StatusCode, StatusMsg: f.StatusMsg}
		_, _, err := c.ws.ReadMessage() // the close that follows
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			refused.CloseCode = ce.Code
		}
		return f, refused
	}
	return f, nil
}

// Close closes the socket.
func (c *Conn) Close() error { return c.ws.Close() }
