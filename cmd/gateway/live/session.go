package live

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hertz-contrib/websocket"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
)

// History reads a conversation: the messages between user and peer with
// create_time > after, oldest first (the Chat RPC).
type History interface {
	Chat(ctx context.Context, user, peer, after int64) ([]*base.Message, error)
}

// Timing is how a socket is kept alive and how long a write may take.
type Timing struct {
	// Ping is how often the server pings; Pong is how long it waits for
	// any frame (a pong included) before it drops the socket.
	Ping, Pong time.Duration
	// Write bounds one frame's write; a reader too slow for it is dropped.
	Write time.Duration
	// Sync bounds the history read of one sync.
	Sync time.Duration
}

// maxInboundBytes bounds a client frame: sync requests are tiny.
const maxInboundBytes = 4 << 10

// span says that every message of a conversation with lo < create_time
// <= hi has been delivered on this socket. Live messages of a
// conversation arrive in create_time order (one Kafka partition per
// conversation, relayed in commit order), so what one socket delivered of
// a conversation is always one such range.
type span struct{ lo, hi int64 }

// socket is the part of *websocket.Conn a session uses.
type socket interface {
	SetReadLimit(limit int64)
	SetReadDeadline(t time.Time) error
	SetPongHandler(h func(appData string) error)
	ReadMessage() (messageType int, p []byte, err error)
	SetWriteDeadline(t time.Time) error
	WriteMessage(messageType int, data []byte) error
	WriteControl(messageType int, data []byte, deadline time.Time) error
}

// session is one socket. Its run goroutine owns all its state and is the
// only writer; a reader goroutine feeds it the client's frames.
type session struct {
	user    int64
	conn    socket
	history History
	timing  Timing

	// queue holds messages the hub delivered, not yet written.
	queue chan *base.Message
	// requests are the client's frames, decoded.
	requests chan Inbound
	// stop carries the close code and reason the hub asks for.
	stop chan closeReason
	// quit is closed when run has returned.
	quit chan struct{}
	// sent is what was delivered, per peer.
	sent map[int64]span
}

type closeReason struct {
	code int
	text string
}

func newSession(user int64, conn socket, history History, timing Timing, queue int) *session {
	return &session{
		user: user, conn: conn, history: history, timing: timing,
		queue:    make(chan *base.Message, queue),
		requests: make(chan Inbound, 8),
		stop:     make(chan closeReason, 1),
		quit:     make(chan struct{}),
		sent:     map[int64]span{},
	}
}

// offer queues m without blocking; when the queue is full the socket is
// told to close instead: its client reconnects and syncs what it missed.
func (s *session) offer(m *base.Message) {
	select {
	case s.queue <- m:
	default:
		s.kick(CloseTryAgainLater, "too slow: reconnect and sync")
	}
}

// kick asks the session to close with code; the first request wins.
func (s *session) kick(code int, text string) {
	select {
	case s.stop <- closeReason{code, text}:
	default:
	}
}

// run serves the socket until it closes, the client goes silent, or it is
// kicked. The socket is registered before it starts, so every message sent
// from the ready frame on is delivered.
func (s *session) run(ctx context.Context) {
	defer close(s.quit)
	readDone := make(chan struct{})
	go s.read(readDone)
	ping := time.NewTicker(s.timing.Ping)
	defer ping.Stop()
	if s.write(readyFrame(s.user)) != nil {
		return
	}
	for {
		var err error
		select {
		case m := <-s.queue:
			err = s.push(m)
		case req := <-s.requests:
			err = s.handle(ctx, req)
		case <-ping.C:
			err = s.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(s.timing.Write))
		case r := <-s.stop:
			s.close(r.code, r.text)
			return
		case <-readDone:
			return
		}
		if err != nil {
			return
		}
	}
}

// read decodes the client's frames until the socket fails or stays silent
// past the pong wait. Any frame, pongs included, proves the client alive.
func (s *session) read(done chan<- struct{}) {
	defer close(done)
	s.conn.SetReadLimit(maxInboundBytes)
	alive := func() { _ = s.conn.SetReadDeadline(time.Now().Add(s.timing.Pong)) }
	alive()
	s.conn.SetPongHandler(func(string) error { alive(); return nil })
	for {
		_, data, err := s.conn.ReadMessage()
		if err != nil {
			return
		}
		alive()
		var req Inbound
		if json.Unmarshal(data, &req) != nil {
			req = Inbound{Type: "invalid"}
		}
		select {
		case s.requests <- req:
		case <-s.quit:
			return
		}
	}
}

// handle answers one client frame.
func (s *session) handle(ctx context.Context, req Inbound) error {
	if req.Type != TypeSync {
		return s.write(errorFrame(errno.ParamErr.WithMessage(`frames must be JSON objects of type "sync"`), 0))
	}
	peer, after := req.ToUserID, max(req.PreMsgTime, 0)
	if peer <= 0 || peer == s.user {
		return s.write(errorFrame(errno.ParamErr.WithMessage("to_user_id must be another user's id"), peer))
	}
	rctx, cancel := context.WithTimeout(ctx, s.timing.Sync)
	defer cancel()
	// Chat may answer a page at a time: read on from the newest message
	// until nothing newer comes back.
	for cursor, page := after, 0; page < maxSyncPages; page++ {
		msgs, err := s.history.Chat(rctx, s.user, peer, cursor)
		if err != nil {
			return s.write(errorFrame(err, peer))
		}
		if err := s.deliverHistory(peer, cursor, msgs); err != nil {
			return err
		}
		if len(msgs) == 0 || msgs[len(msgs)-1].CreateTime <= cursor {
			break
		}
		cursor = msgs[len(msgs)-1].CreateTime
	}
	return s.write(syncedFrame(peer, s.sent[peer].hi))
}

// maxSyncPages bounds the history one sync reads.
const maxSyncPages = 100

// deliverHistory delivers the messages of a conversation after `after`,
// skipping what this socket already delivered, and records that
// everything in (after, last] now has been. Live messages queued meanwhile
// are at or below last if the history had them, so push drops them.
func (s *session) deliverHistory(peer, after int64, history []*base.Message) error {
	done, had := s.sent[peer]
	last := after
	for _, m := range history {
		last = max(last, m.CreateTime)
		if had && m.CreateTime > done.lo && m.CreateTime <= done.hi {
			continue
		}
		if err := s.write(messageFrame(m)); err != nil {
			return err
		}
	}
	switch {
	case !had || after > done.hi:
		s.sent[peer] = span{lo: after, hi: last}
	default:
		s.sent[peer] = span{lo: min(after, done.lo), hi: max(last, done.hi)}
	}
	return nil
}

// push writes a live message unless this socket delivered it already.
func (s *session) push(m *base.Message) error {
	peer := m.FromUserId
	if peer == s.user {
		peer = m.ToUserId
	}
	done, had := s.sent[peer]
	if had && m.CreateTime <= done.hi {
		return nil
	}
	if !had {
		done.lo = m.CreateTime - 1
	}
	done.hi = m.CreateTime
	s.sent[peer] = done
	return s.write(messageFrame(m))
}

func (s *session) write(f Outbound) error {
	_ = s.conn.SetWriteDeadline(time.Now().Add(s.timing.Write))
	return s.conn.WriteMessage(websocket.TextMessage, encode(f))
}

// close says goodbye with code; the caller closes the connection.
func (s *session) close(code int, text string) {
	_ = s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
}
