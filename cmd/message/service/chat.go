package service

import (
	"context"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/apitime"
	"github.com/douyin-go/douyin/pkg/errno"
)

// Chat lists the messages between user and peer, both directions, oldest
// first, with create_time (ms) > preMsgTime. preMsgTime is normalised here,
// the one place every caller passes through: below 10^12 it is seconds,
// and 0 or negative means from the start.
//
// The client polls this every second, so the peer is looked up in the user
// service only when the two have no conversation yet: a conversation exists
// only between users who existed when its first message was stored.
func (s *Service) Chat(ctx context.Context, user, peer, preMsgTime int64) ([]*base.Message, error) {
	if err := checkIDs(user, peer); err != nil {
		return nil, err
	}
	if user == peer {
		return nil, errno.MessageToSelf.WithMessage("there is no conversation with yourself")
	}
	msgs, exists, err := s.Messages.Chat(ctx, user, peer, apitime.Millis(preMsgTime))
	if err != nil {
		return nil, err
	}
	if !exists {
		if err := s.userExists(ctx, peer); err != nil {
			return nil, err
		}
	}
	out := make([]*base.Message, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, pack(m))
	}
	return out, nil
}
