package rpc

import (
	"fmt"
	"log/slog"

	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/pkg/discovery"

	"github.com/douyin-go/douyin/kitex_gen/interaction/interactionservice"
	"github.com/douyin-go/douyin/kitex_gen/message/messageservice"
	"github.com/douyin-go/douyin/kitex_gen/user/userservice"
	"github.com/douyin-go/douyin/kitex_gen/video/videoservice"
	"github.com/douyin-go/douyin/pkg/config"
)

// Clients are Kitex clients of every douyin service. Building them does
// not connect; each connects on first call.
type Clients struct {
	User        userservice.Client
	Video       videoservice.Client
	Interaction interactionservice.Client
	Message     messageservice.Client
}

// retryable lists, per service, the methods that may be retried on any
// failure: reads, and writes that are idempotent by design (following or
// liking twice changes nothing). Other writes are retried only when no
// connection could be made. Login is not retried on a timeout: it is all
// bcrypt, and a retry would add hashing to a server already too slow.
var retryable = map[string][]string{
	UserService:        {"GetUser", "MGetUsers", "FollowList", "FollowerList", "FriendList", "Follow"},
	VideoService:       {"Feed", "PublishList", "MGetVideos", "VideoAuthors"},
	InteractionService: {"FavoriteList", "MIsFavorite", "CommentList", "FavoriteAction"},
	MessageService:     {"Chat", "LatestMessages"},
}

// Caller is the component whose clients NewClients builds.
type Caller struct {
	Name string
	// Log receives failed calls (nil: none).
	Log *slog.Logger
	// Traced makes every call a span.
	Traced bool
}

// NewClients builds caller's clients from cfg: through resolver when it is
// not nil, else at the static addresses of cfg.Services. Failed calls are
// logged to log.
func NewClients(cfg config.Config, caller Caller, resolver discovery.Resolver) (*Clients, error) {
	suite := func(name, addr string) client.Option {
		return client.WithSuite(ClientSuite{
			Caller: caller.Name, Service: name, HostPorts: []string{addr}, Resolver: resolver,
			Timeout: cfg.RPC.Timeout, ConnectTimeout: cfg.RPC.ConnectTimeout,
			ReadMethods: retryable[name], Log: caller.Log, Traced: caller.Traced,
			IdleConns: cfg.RPC.IdleConns, Refresh: cfg.DiscoveryRefresh,
		})
	}
	var (
		c   Clients
		err error
	)
	if c.User, err = userservice.NewClient(UserService, suite(UserService, cfg.Services.User)); err != nil {
		return nil, fmt.Errorf("user client: %w", err)
	}
	if c.Video, err = videoservice.NewClient(VideoService, suite(VideoService, cfg.Services.Video)); err != nil {
		return nil, fmt.Errorf("video client: %w", err)
	}
	if c.Interaction, err = interactionservice.NewClient(InteractionService, suite(InteractionService, cfg.Services.Interaction)); err != nil {
		return nil, fmt.Errorf("interaction client: %w", err)
	}
	if c.Message, err = messageservice.NewClient(MessageService, suite(MessageService, cfg.Services.Message)); err != nil {
		return nil, fmt.Errorf("message client: %w", err)
	}
	return &c, nil
}
