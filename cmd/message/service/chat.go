package service

import (
	"context"

	"github.com/douyin-go/douyin/cmd/message/dal"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/apitime"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/paging"
)

// Chat lists one page of the messages between user and peer, both
// directions, oldest first within the page:
//   - with preMsgTime (ms, or seconds below 10^12; how the client polls):
//     the oldest page newer than it; has_more says more new ones wait;
//   - without (0): the latest page; has_more and next_cursor lead to the
//     page before it;
//   - with a cursor (a next_cursor of a previous answer): the page of
//     messages just older than it.
//
// The client polls this every second, so the peer is looked up in the user
// service only when the two have no conversation yet: a conversation exists
// only between users who existed when its first message was stored.
func (s *Service) Chat(ctx context.Context, user, peer, preMsgTime int64, page *base.Page) ([]*base.Message, *base.PageInfo, error) {
	if err := checkIDs(user, peer); err != nil {
		return nil, nil, err
	}
	if user == peer {
		return nil, nil, errno.MessageToSelf.WithMessage("there is no conversation with yourself")
	}
	size, before, err := paging.Read(page)
	if err != nil {
		return nil, nil, err
	}
	q := dal.ChatQuery{After: apitime.Millis(preMsgTime), Before: before.ID, Limit: size + 1}
	q.Newest = q.After == 0 || q.Before > 0
	msgs, exists, err := s.Messages.Chat(ctx, user, peer, q)
	if err != nil {
		return nil, nil, err
	}
	if !exists {
		if err := s.userExists(ctx, peer); err != nil {
			return nil, nil, err
		}
	}
	msgs, info := chatPage(msgs, size, q.Newest)
	out := make([]*base.Message, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, pack(m))
	}
	return out, info, nil
}

// chatPage cuts msgs, read oldest first with one more than size, to a
// page: the newest size of them going back in time (the next page is
// older), the oldest size going forward (the next poll starts after the
// last).
func chatPage(msgs []dal.Message, size int, newest bool) ([]dal.Message, *base.PageInfo) {
	switch {
	case len(msgs) <= size:
		return msgs, &base.PageInfo{}
	case newest:
		msgs = msgs[len(msgs)-size:]
		return msgs, &base.PageInfo{HasMore: true, NextCursor: paging.Pos{ID: msgs[0].CreateTime}.String()}
	default:
		return msgs[:size], &base.PageInfo{HasMore: true}
	}
}
