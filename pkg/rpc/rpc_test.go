package rpc

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudwego/kitex/pkg/kerrors"
	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"github.com/cloudwego/kitex/server"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/user"
	"github.com/douyin-go/douyin/kitex_gen/user/userservice"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/testutil"
)

func TestResult(t *testing.T) {
	transport := errors.New("dial tcp 10.0.0.7:8881: connection refused")
	tests := []struct {
		name string
		err  error
		resp *base.BaseResp
		want *errno.ErrNo // nil: success
	}{
		{"success", nil, &base.BaseResp{StatusCode: 0, StatusMsg: "success"}, nil},
		{"business error keeps code and message", nil, &base.BaseResp{StatusCode: errno.UserNotExist.Code, StatusMsg: "the user to follow does not exist"},
			&errno.ErrNo{Code: errno.UserNotExist.Code, Msg: "the user to follow does not exist"}},
		{"transport failure", transport, nil, &errno.ServiceUnavail},
		{"transport failure wins over a response", transport, &base.BaseResp{}, &errno.ServiceUnavail},
		{"missing base response", nil, nil, &errno.ErrNo{Code: errno.ServiceErr.Code}},
		{"business status of the server (overload)", kerrors.NewBizStatusError(errno.Overloaded.Code, errno.Overloaded.Msg), nil, &errno.Overloaded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Kitex returns a nil response with an error: Check must not read it.
			var resp *user.FollowResponse
			if tt.resp != nil || tt.err == nil {
				resp = &user.FollowResponse{BaseResp: tt.resp}
			}
			err := Check(resp, tt.err)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			got := errno.Convert(err)
			if got.Code != tt.want.Code || (tt.want.Msg != "" && got.Msg != tt.want.Msg) {
				t.Fatalf("Check = %+v, want %+v", got, *tt.want)
			}
			if got.Msg == "" || strings.Contains(got.Msg, "10.0.0.7") {
				t.Fatalf("message %q is empty or leaks transport details", got.Msg)
			}
		})
	}
}

func TestServerSuite(t *testing.T) {
	if err := (ServerSuite{Name: UserService, Addr: "127.0.0.1:8881"}).Validate(); err != nil {
		t.Fatalf("valid address: %v", err)
	}
	if err := (ServerSuite{Name: UserService, Addr: ":8881"}).Validate(); err != nil {
		t.Fatalf("port-only address: %v", err)
	}
	err := (ServerSuite{Name: UserService, Addr: "no-port"}).Validate()
	if err == nil || !strings.Contains(err.Error(), UserService) || !strings.Contains(err.Error(), "no-port") {
		t.Fatalf("Validate(no-port) = %v, want an error naming the service and address", err)
	}
	if d := (ServerSuite{}).exitWait(); d != 2*time.Second {
		t.Fatalf("default exit wait %v", d)
	}
	if d := (ServerSuite{ExitWait: time.Second}).exitWait(); d != time.Second {
		t.Fatalf("exit wait %v, want 1s", d)
	}
	if n := len((ServerSuite{Name: "x", Addr: "bad"}).Options()); n == 0 {
		t.Fatal("no server options")
	}
}

func newUserServer(addr string) server.Server {
	return userservice.NewServer(&callerRecorder{callers: make(chan string, 16)}, server.WithSuite(ServerSuite{Name: UserService, Addr: addr, ExitWait: 100 * time.Millisecond}))
}

func freeAddr(t *testing.T) string {
	t.Helper()
	return testutil.FreeAddrs(t, 1)[0]
}

func listening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

func TestServeStopsWhenContextEnds(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, newUserServer(addr)) }()
	deadline := time.Now().Add(5 * time.Second)
	for !listening(addr) {
		if time.Now().After(deadline) {
			t.Fatal("server never listened")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("Serve returned before its context ended: %v", err)
	default:
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve after cancel = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not stop after its context ended")
	}
	if listening(addr) {
		t.Fatal("the server still accepts connections after Serve returned")
	}
}

func TestServeReportsAnAddressInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	done := make(chan error, 1)
	go func() { done <- Serve(context.Background(), newUserServer(l.Addr().String())) }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Serve on a taken address returned nil")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve on a taken address did not fail")
	}
}

// callerRecorder is a user service that answers GetUser and records the
// caller name each request arrived with.
type callerRecorder struct {
	user.UserService
	callers chan string
	delay   time.Duration // how long each call takes

	mu    sync.Mutex
	conns map[string]bool // client addresses seen
}

func (r *callerRecorder) GetUser(ctx context.Context, _ *user.GetUserRequest) (*user.GetUserResponse, error) {
	from := ""
	if ri := rpcinfo.GetRPCInfo(ctx); ri != nil {
		from = ri.From().ServiceName()
		if addr := ri.From().Address(); addr != nil {
			r.mu.Lock()
			if r.conns == nil {
				r.conns = map[string]bool{}
			}
			r.conns[addr.String()] = true
			r.mu.Unlock()
		}
	}
	select {
	case r.callers <- from:
	default:
	}
	time.Sleep(r.delay)
	return &user.GetUserResponse{BaseResp: errno.ToBaseResp(nil)}, nil
}

// Each client names its caller, and the name reaches the server: TTHeader
// carries it (with plain framing the server would see no caller at all).
func TestClientsIdentifyTheirCaller(t *testing.T) {
	addr := freeAddr(t)
	// Calls overlap: each takes a millisecond.
	rec := &callerRecorder{callers: make(chan string, 1), delay: time.Millisecond}
	svr := userservice.NewServer(rec, server.WithSuite(ServerSuite{Name: UserService, Addr: addr, ExitWait: 100 * time.Millisecond}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = Serve(ctx, svr) }()
	cfg := config.Default()
	cfg.Services.User = addr
	clients, err := NewClients(cfg, Caller{Name: Gateway}, nil)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := clients.User.GetUser(ctx, &user.GetUserRequest{UserId: 1})
		if err == nil && Check(resp, nil) == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GetUser never succeeded: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := <-rec.callers; got != Gateway {
		t.Fatalf("server saw caller %q, want %q", got, Gateway)
	}
}

// Concurrent calls reuse a handful of connections instead of dialling and
// closing one for almost every call (Kitex keeps one idle connection per
// instance unless told otherwise).
func TestClientsKeepConnectionsOpen(t *testing.T) {
	addr := freeAddr(t)
	// Calls overlap: each takes a millisecond.
	rec := &callerRecorder{callers: make(chan string, 1), delay: time.Millisecond}
	svr := userservice.NewServer(rec, server.WithSuite(ServerSuite{Name: UserService, Addr: addr, ExitWait: 100 * time.Millisecond}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = Serve(ctx, svr) }()
	cfg := config.Default()
	cfg.Services.User = addr
	clients, err := NewClients(cfg, Caller{Name: Gateway}, nil)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !listening(addr) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	const workers, calls = 16, 25
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range calls {
				if _, err := clients.User.GetUser(ctx, &user.GetUserRequest{UserId: 1}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	// At most one connection per caller in flight.
	if n := len(rec.conns); n > workers {
		t.Fatalf("%d calls over %d connections: connections are not kept", workers*calls, n)
	}
}
