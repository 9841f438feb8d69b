package service

import (
	"context"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
)

// LatestMessages returns, for each of peers, the latest message between
// user and that peer, keyed by peer; peers with no messages are left out.
// It only ever reads conversations user is part of, and costs one query
// however many peers there are.
func (s *Service) LatestMessages(ctx context.Context, user int64, peers []int64) (map[int64]*base.Message, error) {
	if user <= 0 {
		return nil, errno.ParamErr.WithMessage("user id must be a positive integer")
	}
	ids := make([]int64, 0, len(peers))
	seen := make(map[int64]bool, len(peers))
	for _, p := range peers {
		if p > 0 && p != user && !seen[p] {
			seen[p] = true
			ids = append(ids, p)
		}
	}
	out := make(map[int64]*base.Message, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	latest, err := s.Messages.Latest(ctx, user, ids)
	if err != nil {
		return nil, err
	}
	for peer, m := range latest {
		out[peer] = pack(m)
	}
	return out, nil
}
