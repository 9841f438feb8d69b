// Package service holds the message service's use cases, one file each. It
// depends on small interfaces so each use case is tested without a
// database or a running user service.
package service

import (
	"context"

	"github.com/douyin-go/douyin/cmd/message/dal"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/clock"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/moderation"
)

// MessageStore stores conversations and messages (see dal.Messages).
type MessageStore interface {
	Send(ctx context.Context, from, to int64, content string, now int64) (*dal.Message, error)
	Chat(ctx context.Context, a, b int64, q dal.ChatQuery) (msgs []dal.Message, exists bool, err error)
	Latest(ctx context.Context, user int64, peers []int64) (map[int64]dal.Message, error)
}

// Users batch-reads users from the user service (remote.Users wraps the
// userservice.Client).
type Users interface {
	MGetUsers(ctx context.Context, viewer int64, ids []int64) (map[int64]*base.User, error)
}

// Deps are what the service is built from.
type Deps struct {
	Messages MessageStore
	Users    Users
	// Clock stamps messages (nil: time.Now).
	Clock clock.Func
}

// Options are the service's settings.
type Options struct {
	// Words are the sensitive words masked in messages (nil: none).
	Words *moderation.Filter
}

// Service implements the message use cases.
type Service struct {
	Deps
	opts Options
}

// New builds the service.
func New(d Deps, opts Options) *Service {
	d.Clock = clock.Or(d.Clock)
	return &Service{Deps: d, opts: opts}
}

// checkIDs validates the two sides of a conversation.
func checkIDs(user, peer int64) error {
	if user <= 0 {
		return errno.ParamErr.WithMessage("user id must be a positive integer")
	}
	if peer <= 0 {
		return errno.ParamErr.WithMessage("to_user_id must be a positive integer")
	}
	return nil
}

// userExists asks the user service whether id exists.
func (s *Service) userExists(ctx context.Context, id int64) error {
	found, err := s.Users.MGetUsers(ctx, 0, []int64{id})
	if err != nil {
		return err
	}
	if _, ok := found[id]; !ok {
		return errno.UserNotExist.WithMessage("the other user does not exist")
	}
	return nil
}

func pack(m dal.Message) *base.Message {
	return &base.Message{
		Id:         m.ID,
		ToUserId:   m.ToUserID,
		FromUserId: m.FromUserID,
		Content:    m.Content,
		CreateTime: m.CreateTime,
	}
}
