package rpc

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cloudwego/kitex/client/callopt"
	"github.com/cloudwego/kitex/server"

	"github.com/douyin-go/douyin/kitex_gen/user"
	"github.com/douyin-go/douyin/kitex_gen/user/userservice"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/errno"
)

// blockingUsers holds every GetUser until release is closed.
type blockingUsers struct {
	user.UserService
	started chan struct{}
	release chan struct{}
}

func (b *blockingUsers) GetUser(context.Context, *user.GetUserRequest) (*user.GetUserResponse, error) {
	b.started <- struct{}{}
	<-b.release
	return &user.GetUserResponse{BaseResp: errno.ToBaseResp(nil)}, nil
}

// A flood past a method's concurrency bound is refused at once with
// errno.Overloaded, while the requests already admitted are still running:
// the refusals do not wait for them, nor for the caller's timeout.
func TestFloodIsRefusedQuickly(t *testing.T) {
	const maxConcurrent, flood = 2, 6
	addr := freeAddr(t)
	h := &blockingUsers{started: make(chan struct{}, flood), release: make(chan struct{})}
	svr := userservice.NewServer(h, server.WithSuite(ServerSuite{Name: UserService + "-overload-test", Addr: addr,
		ExitWait: 100 * time.Millisecond, MaxConcurrent: maxConcurrent}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = Serve(ctx, svr) }()
	for !listening(addr) {
		time.Sleep(10 * time.Millisecond)
	}
	cfg := config.Default()
	cfg.Services.User = addr
	clients, err := NewClients(cfg, Caller{Name: Gateway}, nil)
	if err != nil {
		t.Fatal(err)
	}
	call := func() error {
		resp, err := clients.User.GetUser(ctx, &user.GetUserRequest{UserId: 1}, callopt.WithRPCTimeout(time.Minute))
		return Check(resp, err)
	}

	// Fill the bound, then flood.
	admitted := make(chan error, maxConcurrent)
	for range maxConcurrent {
		go func() { admitted <- call() }()
		<-h.started
	}
	var wg sync.WaitGroup
	refused := make(chan error, flood)
	for range flood {
		wg.Add(1)
		go func() { defer wg.Done(); refused <- call() }()
	}
	wg.Wait() // every flood call has answered while the admitted ones still run
	close(refused)
	for err := range refused {
		if !errors.Is(err, errno.Overloaded) {
			t.Fatalf("flood call: %v, want Overloaded", err)
		}
	}
	close(h.release)
	for range maxConcurrent {
		if err := <-admitted; err != nil {
			t.Fatalf("admitted call: %v", err)
		}
	}
	// With room again, calls succeed.
	if err := call(); err != nil {
		t.Fatalf("after the flood: %v", err)
	}
}
