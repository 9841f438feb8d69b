package live

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudwego/hertz/pkg/app/server"
	gorilla "github.com/gorilla/websocket"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// tokens accepts "u<id>".
type tokens struct{}

func (tokens) Verify(token string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(token, "u"), 10, 64)
	if err != nil || !strings.HasPrefix(token, "u") {
		return 0, errno.TokenInvalid
	}
	return id, nil
}

// history is an in-memory conversation store.
type history struct {
	mu   sync.Mutex
	msgs []*base.Message
}

func (h *history) Chat(_ context.Context, user, peer, after int64) ([]*base.Message, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := []*base.Message{}
	for _, m := range h.msgs {
		pair := (m.FromUserId == user && m.ToUserId == peer) || (m.FromUserId == peer && m.ToUserId == user)
		if pair && m.CreateTime > after {
			out = append(out, m)
		}
	}
	return out, nil
}

type liveServer struct {
	hub  *Hub
	hist *history
	url  string
	stop func()
}

// startServer serves a live Server on a free port with opts (zero fields
// take test defaults).
func startServer(t *testing.T, opts Options) *liveServer {
	t.Helper()
	if opts.Limits == (Limits{}) {
		opts.Limits = Limits{PerUser: 4, Total: 100}
	}
	if opts.Timing == (Timing{}) {
		opts.Timing = Timing{Ping: time.Hour, Pong: time.Hour, Write: 5 * time.Second, Sync: 5 * time.Second}
	}
	if opts.Queue == 0 {
		opts.Queue = 64
	}
	addr := testutil.FreeAddrs(t, 1)[0]
	hub, hist := NewHub(opts.Limits), &history{}
	srv := NewServer(hub, tokens{}, hist, func() bool { return true }, opts, testutil.QuietLog())
	h := server.New(server.WithHostPorts(addr), server.WithExitWaitTime(10*time.Millisecond), server.WithDisablePrintRoute(true))
	h.NoHijackConnPool = true
	h.GET("/ws", srv.Serve)
	go func() { _ = h.Run() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	ls := &liveServer{hub: hub, hist: hist, url: "ws://" + addr + "/ws", stop: func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hub.Shutdown(ctx)
		_ = h.Shutdown(ctx)
	}}
	t.Cleanup(ls.stop)
	return ls
}

// client is a test's socket.
type client struct {
	t    *testing.T
	conn *gorilla.Conn
}

func dial(t *testing.T, url, token string) *client {
	t.Helper()
	conn, _, err := gorilla.DefaultDialer.Dial(url+"?token="+token, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &client{t: t, conn: conn}
}

// next reads the next frame, failing the test on a close or after 10s.
func (c *client) next() Outbound {
	c.t.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, data, err := c.conn.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var f Outbound
	if err := json.Unmarshal(data, &f); err != nil {
		c.t.Fatalf("frame %s: %v", data, err)
	}
	return f
}

// expect reads the next frame and checks its type.
func (c *client) expect(typ string) Outbound {
	c.t.Helper()
	f := c.next()
	if f.Type != typ {
		c.t.Fatalf("frame %+v, want type %s", f, typ)
	}
	return f
}

// closeCode reads until the socket closes and returns the close code.
func (c *client) closeCode() int {
	c.t.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, _, err := c.conn.ReadMessage()
		if ce, ok := err.(*gorilla.CloseError); ok {
			return ce.Code
		}
		if err != nil {
			c.t.Fatalf("socket ended without a close frame: %v", err)
		}
	}
}

func (c *client) send(v any) {
	c.t.Helper()
	if err := c.conn.WriteJSON(v); err != nil {
		c.t.Fatal(err)
	}
}

// waitFor polls cond until it holds, failing after 10s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSocketPushesToBothUsersAndSyncs(t *testing.T) {
	ls := startServer(t, Options{})
	ls.hist.msgs = []*base.Message{
		{Id: 1, FromUserId: 1, ToUserId: 2, Content: "old", CreateTime: 100},
		{Id: 2, FromUserId: 2, ToUserId: 1, Content: "older reply", CreateTime: 101},
	}
	alice, bob, carol := dial(t, ls.url, "u1"), dial(t, ls.url, "u2"), dial(t, ls.url, "u3")
	if f := alice.expect(TypeReady); f.UserID != 1 {
		t.Fatalf("ready for %d, want 1", f.UserID)
	}
	bob.expect(TypeReady)
	carol.expect(TypeReady)

	alice.send(Inbound{Type: TypeSync, ToUserID: 2, PreMsgTime: 100})
	if f := alice.expect(TypeMessage); f.Message.Id != 2 {
		t.Fatalf("history %+v, want message 2 only", f.Message)
	}
	if f := alice.expect(TypeSynced); f.ToUserID != 2 || *f.CreateTime != 101 {
		t.Fatalf("synced %+v", f)
	}
	m := &base.Message{Id: 3, FromUserId: 1, ToUserId: 2, Content: "live", CreateTime: 102}
	ls.hist.mu.Lock()
	ls.hist.msgs = append(ls.hist.msgs, m)
	ls.hist.mu.Unlock()
	ls.hub.Deliver(m)
	for _, c := range []*client{alice, bob} {
		if f := c.expect(TypeMessage); f.Message.Id != 3 || f.Message.Content != "live" {
			t.Fatalf("pushed %+v", f.Message)
		}
	}
	// Carol is not part of it: her next frame is her own sync's answer.
	carol.send(Inbound{Type: TypeSync, ToUserID: 1})
	carol.expect(TypeSynced)
	// A duplicate event (a relay retry) is not delivered again.
	ls.hub.Deliver(m)
	bob.send(Inbound{Type: TypeSync, ToUserID: 1, PreMsgTime: 0})
	// Bob gets the two older messages and not message 3 again.
	for _, want := range []int64{1, 2} {
		if f := bob.expect(TypeMessage); f.Message.Id != want {
			t.Fatalf("bob got %+v, want message %d", f.Message, want)
		}
	}
	bob.expect(TypeSynced)
}

func TestSocketRefusals(t *testing.T) {
	ls := startServer(t, Options{Limits: Limits{PerUser: 2, Total: 3}})
	bad := dial(t, ls.url, "garbage")
	if f := bad.expect(TypeRefused); f.StatusCode != errno.TokenInvalid.Code {
		t.Fatalf("bad token: %+v", f)
	}
	if code := bad.closeCode(); code != ClosePolicy {
		t.Fatalf("bad token closed with %d", code)
	}
	dial(t, ls.url, "u1").expect(TypeReady)
	dial(t, ls.url, "u1").expect(TypeReady)
	third := dial(t, ls.url, "u1")
	if f := third.expect(TypeRefused); f.StatusCode != errno.LiveConnLimit.Code {
		t.Fatalf("third socket of a user: %+v", f)
	}
	if code := third.closeCode(); code != ClosePolicy {
		t.Fatalf("over the user limit closed with %d", code)
	}
	c := dial(t, ls.url, "u2")
	c.expect(TypeReady)
	full := dial(t, ls.url, "u3")
	if f := full.expect(TypeRefused); f.StatusCode != errno.ServiceUnavail.Code {
		t.Fatalf("over the replica limit: %+v", f)
	}
	if code := full.closeCode(); code != CloseTryAgainLater {
		t.Fatalf("over the replica limit closed with %d", code)
	}
	// Bad frames are answered, and the socket stays.
	for _, frame := range []string{`not json`, `{"type":"dance"}`, `{"type":"sync","to_user_id":2}`, `{"type":"sync","to_user_id":0}`} {
		if err := c.conn.WriteMessage(gorilla.TextMessage, []byte(frame)); err != nil {
			t.Fatal(err)
		}
		if f := c.expect(TypeError); f.StatusCode != errno.ParamErr.Code {
			t.Fatalf("%s: %+v", frame, f)
		}
	}
	// A plain GET is told what this route is.
	res, err := http.Get("http" + strings.TrimPrefix(ls.url, "ws") + "?token=u1")
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if body["status_code"] != float64(errno.ParamErr.Code) || !strings.Contains(body["status_msg"].(string), "WebSocket") {
		t.Fatalf("plain GET: %v", body)
	}
}

// A reader that falls behind is dropped; the hub never waits for it, and
// the other sockets keep working.
func TestSlowReaderIsDropped(t *testing.T) {
	ls := startServer(t, Options{Queue: 4, Timing: Timing{Ping: time.Hour, Pong: time.Hour, Write: 200 * time.Millisecond, Sync: time.Second}})
	slow, fast := dial(t, ls.url, "u1"), dial(t, ls.url, "u2")
	slow.expect(TypeReady)
	fast.expect(TypeReady)
	big := strings.Repeat("x", 64<<10)
	deadline := time.Now().Add(30 * time.Second)
	for i := int64(1); ls.hub.Conns() > 1; i++ {
		if time.Now().After(deadline) {
			t.Fatal("a socket that reads nothing was never dropped")
		}
		// Never blocks: a full queue kicks the socket instead.
		ls.hub.Deliver(&base.Message{Id: i, FromUserId: 3, ToUserId: 1, Content: big, CreateTime: i})
		time.Sleep(time.Millisecond)
	}
	ls.hub.Deliver(&base.Message{Id: 1, FromUserId: 3, ToUserId: 2, Content: "still here", CreateTime: 1})
	if f := fast.expect(TypeMessage); f.Message.Content != "still here" {
		t.Fatalf("fast socket got %+v", f.Message)
	}
}

// A client that answers no ping is dropped after the pong wait.
func TestSilentClientIsDropped(t *testing.T) {
	ls := startServer(t, Options{Timing: Timing{Ping: 100 * time.Millisecond, Pong: 2 * time.Second, Write: time.Second, Sync: time.Second}})
	c := dial(t, ls.url, "u1")
	c.expect(TypeReady)
	// Not reading means gorilla never answers the pings.
	waitFor(t, "the silent socket to be dropped", func() bool { return ls.hub.Conns() == 0 })
	// A client that reads answers pings and stays.
	alive := dial(t, ls.url, "u2")
	alive.expect(TypeReady)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = alive.conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		_, _, _ = alive.conn.ReadMessage() // answers pings until the deadline
	}()
	<-done
	if ls.hub.Conns() != 1 {
		t.Fatalf("%d sockets, want the reading one", ls.hub.Conns())
	}
}

func TestShutdownSaysGoingAway(t *testing.T) {
	ls := startServer(t, Options{})
	c := dial(t, ls.url, "u1")
	c.expect(TypeReady)
	go ls.stop()
	if code := c.closeCode(); code != CloseGoingAway {
		t.Fatalf("closed with %d, want %d", code, CloseGoingAway)
	}
}
