package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/douyin-go/douyin/cmd/douyin/allinone/allinonetest"
	"github.com/douyin-go/douyin/cmd/gateway/live"
	"github.com/douyin-go/douyin/cmd/gateway/live/liveclient"
)

// socket is a test's live chat socket.
type socket struct {
	t    *testing.T
	name string
	conn *liveclient.Conn
}

func openSocket(t *testing.T, base string, a account) *socket {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := liveclient.DialRetry(ctx, base, a.token)
	if err != nil {
		t.Fatalf("%s: open socket at %s: %v", a.name, base, err)
	}
	if conn.User != a.id {
		t.Fatalf("%s: socket registered for user %d, want %d", a.name, conn.User, a.id)
	}
	t.Cleanup(func() { conn.Close() })
	return &socket{t: t, name: a.name, conn: conn}
}

// next reads the next frame within a generous deadline.
func (s *socket) next() live.Outbound {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f, err := s.conn.Next(ctx)
	if err != nil {
		s.t.Fatalf("%s: read: %v", s.name, err)
	}
	return f
}

// messages reads frames until the contents in want arrived in that order;
// any other frame (or another message) fails the test.
func (s *socket) messages(want ...string) []live.Outbound {
	s.t.Helper()
	var got []live.Outbound
	for _, w := range want {
		f := s.next()
		if f.Type != live.TypeMessage || f.Message.Content != w {
			s.t.Fatalf("%s: frame %+v, want message %q", s.name, f, w)
		}
		got = append(got, f)
	}
	return got
}

// Two gateway replicas: each pushes every message to the sockets
// connected to it, whichever replica it was sent through; a socket that
// reconnects catches up from the last create_time it saw, with nothing
// missed and nothing twice; polling is unchanged.
func TestLiveChatAcrossReplicas(t *testing.T) {
	embeddedOnly(t)
	cfg := allinonetest.Config(t, t.TempDir())
	cfg.Live.MaxConnsPerUser = 2
	allinonetest.UseTestServers(t, &cfg)
	eff, stop := allinonetest.StartEffective(t, cfg)
	t.Cleanup(func() { _ = stop() })
	one := &system{t: t, cfg: cfg, base: "http://" + cfg.HTTPAddr}
	base2, stop2 := allinonetest.StartGateway(t, eff)
	t.Cleanup(func() { _ = stop2() })
	two := &system{t: t, cfg: cfg, base: base2}

	alice, bob := one.register("alice"), two.register("bob")
	aliceLive, bobLive := openSocket(t, one.base, alice), openSocket(t, two.base, bob)

	// Sent through either replica, pushed to both users on both replicas.
	one.sendMessage(t, alice, bob, "hello from one")
	two.sendMessage(t, bob, alice, "hello from two")
	for _, s := range []*socket{aliceLive, bobLive} {
		s.messages("hello from one", "hello from two")
	}

	// Bob goes away; alice keeps talking; bob comes back on the other
	// replica and catches up from the last create_time he saw.
	_ = bobLive.conn.Close()
	chat := one.chat(t, bob, alice.id, "")
	lastSeen := chat[len(chat)-1].Time
	one.sendMessage(t, alice, bob, "while you were away 1")
	one.sendMessage(t, alice, bob, "while you were away 2")
	aliceLive.messages("while you were away 1", "while you were away 2")
	bobBack := openSocket(t, one.base, bob)
	if err := bobBack.conn.Sync(alice.id, lastSeen); err != nil {
		t.Fatal(err)
	}
	// Racing the catch-up: a message sent while it runs arrives once,
	// before or after the history.
	two.sendMessage(t, alice, bob, "during the catch-up")
	var got []string
	var times []int64
	synced := false
	for !synced || len(got) < 3 {
		f := bobBack.next()
		switch f.Type {
		case live.TypeSynced:
			synced = true
		case live.TypeMessage:
			got = append(got, f.Message.Content)
			times = append(times, f.Message.CreateTime)
		default:
			t.Fatalf("bob: frame %+v", f)
		}
		if len(got) > 3 {
			t.Fatalf("bob got %v: more than the three messages he missed", got)
		}
	}
	var away []string
	for i, c := range got {
		if times[i] <= lastSeen {
			t.Fatalf("bob got %q again (create_time %d, he had seen %d)", c, times[i], lastSeen)
		}
		if c != "during the catch-up" {
			away = append(away, c)
		}
	}
	if fmt.Sprint(away) != "[while you were away 1 while you were away 2]" || len(got) != 3 {
		t.Fatalf("bob caught up with %v", got)
	}
	aliceLive.messages("during the catch-up")
	// Nothing else is pending for bob: the next frame is the answer to a
	// sync from the newest time he has.
	all := one.chat(t, bob, alice.id, "")
	if err := bobBack.conn.Sync(alice.id, all[len(all)-1].Time); err != nil {
		t.Fatal(err)
	}
	if f := bobBack.next(); f.Type != live.TypeSynced || *f.CreateTime != all[len(all)-1].Time {
		t.Fatalf("bob: frame %+v, want synced at %d", f, all[len(all)-1].Time)
	}

	// Polling sees the same conversation, as the official client reads it.
	if want := []string{"hello from one", "hello from two", "while you were away 1", "while you were away 2", "during the catch-up"}; fmt.Sprint(contents(all)) != fmt.Sprint(want) {
		t.Fatalf("polled %v, want %v", contents(all), want)
	}

	// A user's sockets are bounded per replica.
	openSocket(t, one.base, bob) // bob's second on replica one
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := liveclient.Dial(ctx, one.base, bob.token)
	if refused, ok := err.(*liveclient.Refused); !ok || refused.StatusCode != 13002 || refused.Retryable() {
		t.Fatalf("third socket of a user: %v, want refused with 13002", err)
	}
	// A bad token is refused with the API's code.
	_, err = liveclient.Dial(ctx, two.base, alice.token+"x")
	if refused, ok := err.(*liveclient.Refused); !ok || refused.StatusCode != 10004 {
		t.Fatalf("bad token: %v, want refused with 10004", err)
	}

	// Stopping a replica tells its sockets to go away (and reconnect).
	bobOnTwo := openSocket(t, two.base, bob)
	go func() { _ = stop2() }()
	if _, err := bobOnTwo.conn.Next(ctx); !websocket.IsCloseError(err, live.CloseGoingAway) {
		t.Fatalf("socket on a stopping replica: %v, want close %d", err, live.CloseGoingAway)
	}
	// The other replica still pushes.
	one.sendMessage(t, bob, alice, "still here")
	aliceLive.messages("still here")
}

// The socket route answers a plain request with a JSON explanation.
func TestLiveRouteWithoutWebSocket(t *testing.T) {
	s := newSystem(t)
	a := s.register("plain")
	r := mustFail(t, s.call(http.MethodGet, liveclient.Path, url.Values{"token": {a.token}}), 10002)
	if r.msg() == "" {
		t.Fatal("no explanation")
	}
}
