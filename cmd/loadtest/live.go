package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/douyin-go/douyin/test/load/wsload"
)

// liveOptions size the live chat run (-ws).
type liveOptions struct {
	conns    int
	rate     float64
	duration time.Duration
}

// runLive holds conns WebSockets (one per user) on the target and sends
// rate messages a second through the API, timing each from the start of
// its send to its arrival on both users' sockets.
func runLive(ctx context.Context, o liveOptions, t *target) (*wsload.Report, error) {
	if err := wsload.RaiseFileLimit(uint64(o.conns)*2 + 1024); err != nil {
		return nil, err
	}
	start := time.Now()
	users, err := wsload.Register(ctx, t.base, fmt.Sprintf("ws%d", time.Now().Unix()), o.conns)
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	log.Printf("live chat: registered %d users in %s", len(users), time.Since(start).Round(time.Second))
	rep, err := wsload.Run(ctx, wsload.Options{BaseURL: t.base, Users: users, Conns: o.conns, Rate: o.rate, Duration: o.duration})
	if err != nil {
		return nil, err
	}
	log.Printf("live chat: %s", rep)
	return &rep, nil
}
