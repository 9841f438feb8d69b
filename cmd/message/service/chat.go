package service

import (
	"context"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
)

// secondsBelow is the contract's leniency rule: a pre_msg_time below 10^12
// (2001-09-09 in ms, year 33658 in seconds) is seconds, not milliseconds.
const secondsBelow = 1_000_000_000_000

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
	msgs, exists, err := s.store.Chat(ctx, user, peer, normalizeMillis(preMsgTime))
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

// normalizeMillis turns a client timestamp into milliseconds.
func normalizeMillis(t int64) int64 {
	switch {
	case t <= 0:
		return 0
	case t < secondsBelow:
		return t * 1000
	}
	return t
}
