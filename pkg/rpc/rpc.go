// Package rpc is the one place Kitex servers and clients are set up: every
// service and the gateway build theirs from these suites, in embedded and
// distributed mode alike (only the addresses differ).
package rpc

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/pkg/discovery"
	"github.com/cloudwego/kitex/pkg/registry"
	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"github.com/cloudwego/kitex/server"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
)

// Service names, used for registry entries and client destinations.
const (
	UserService        = "douyin.user"
	VideoService       = "douyin.video"
	InteractionService = "douyin.interaction"
	MessageService     = "douyin.message"
)

// ServerSuite configures a Kitex server: its name, listen address and,
// when service discovery is on, the registry it announces itself in.
type ServerSuite struct {
	Name     string
	Addr     string
	Registry registry.Registry
	// ExitWait bounds graceful shutdown.
	ExitWait time.Duration
}

// Options implements server.Suite.
func (s ServerSuite) Options() []server.Option {
	opts := []server.Option{
		server.WithServerBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: s.Name}),
		server.WithExitWaitTime(s.exitWait()),
	}
	if addr, err := net.ResolveTCPAddr("tcp", s.Addr); err == nil {
		opts = append(opts, server.WithServiceAddr(addr))
	}
	if s.Registry != nil {
		opts = append(opts, server.WithRegistry(s.Registry))
	}
	return opts
}

func (s ServerSuite) exitWait() time.Duration {
	if s.ExitWait > 0 {
		return s.ExitWait
	}
	return 2 * time.Second
}

// Validate reports a listen address that cannot be used.
func (s ServerSuite) Validate() error {
	if _, err := net.ResolveTCPAddr("tcp", s.Addr); err != nil {
		return fmt.Errorf("%s listen address %q: %w", s.Name, s.Addr, err)
	}
	return nil
}

// ClientSuite configures a Kitex client of one service: resolved through
// Resolver when service discovery is on, else at the static HostPorts.
type ClientSuite struct {
	Service        string
	HostPorts      []string
	Resolver       discovery.Resolver
	Timeout        time.Duration
	ConnectTimeout time.Duration
}

// Options implements client.Suite.
func (s ClientSuite) Options() []client.Option {
	opts := []client.Option{
		client.WithClientBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: "douyin.client"}),
		client.WithRPCTimeout(s.Timeout),
		client.WithConnectTimeout(s.ConnectTimeout),
	}
	if s.Resolver != nil {
		opts = append(opts, client.WithResolver(s.Resolver))
	} else {
		opts = append(opts, client.WithHostPorts(s.HostPorts...))
	}
	return opts
}

// Serve runs svr until ctx ends, then stops it gracefully (deregistering
// it from the registry, if any).
func Serve(ctx context.Context, svr server.Server) error {
	errc := make(chan error, 1)
	go func() { errc <- svr.Run() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		if err := svr.Stop(); err != nil {
			return err
		}
		return <-errc
	}
}

// Result turns an RPC outcome into one error: a transport failure becomes
// ServiceUnavail (details stay in logs, not in responses); a business
// failure keeps its errno.
func Result(err error, resp *base.BaseResp) error {
	if err != nil {
		return errno.ServiceUnavail
	}
	return errno.FromBaseResp(resp)
}
