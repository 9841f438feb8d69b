package wsload_test

import (
	"context"
	"testing"
	"time"

	"github.com/douyin-go/douyin/cmd/douyin/allinone/allinonetest"
	"github.com/douyin-go/douyin/test/load/wsload"
)

// A small run against the embedded system: every message reaches every
// socket of both of its users, once.
func TestRunDeliversEverything(t *testing.T) {
	cfg := allinonetest.Config(t, t.TempDir())
	allinonetest.UseTestServers(t, &cfg)
	stop := allinonetest.Start(t, cfg)
	t.Cleanup(func() { _ = stop() })
	base := "http://" + cfg.HTTPAddr
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	users, err := wsload.Register(ctx, base, "wsl", 5)
	if err != nil {
		t.Fatal(err)
	}
	// Registering again logs the same users in.
	again, err := wsload.Register(ctx, base, "wsl", 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range users {
		if again[i].ID != users[i].ID || again[i].Token == "" {
			t.Fatalf("user %d: %+v, then %+v", i, users[i], again[i])
		}
	}
	rep, err := wsload.Run(ctx, wsload.Options{BaseURL: base, Users: users, Conns: 10, Rate: 20, Duration: 2 * time.Second, Drain: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep)
	const sent = 40
	if rep.Conns != 10 || rep.ConnectFailures != 0 || rep.Dropped != 0 {
		t.Fatalf("sockets: %s", rep)
	}
	// Two sockets per user: each message owes four deliveries.
	if rep.Sent != sent || rep.SendErrors != 0 || rep.Expected != 4*sent || rep.Delivered != rep.Expected || rep.Lost != 0 || rep.Duplicates != 0 {
		t.Fatalf("deliveries: %s", rep)
	}
	if rep.P50 <= 0 || rep.P50 > rep.P99 || rep.P99 > rep.Max {
		t.Fatalf("latencies out of order: %s", rep)
	}
}

func TestOptionsNeedUsersAndBase(t *testing.T) {
	for _, o := range []wsload.Options{{BaseURL: "http://x"}, {Users: []wsload.User{{ID: 1}, {ID: 2}}}} {
		if _, err := wsload.Run(context.Background(), o); err == nil {
			t.Fatalf("%+v: want an error", o)
		}
	}
}
