package service

import (
	"context"

	"github.com/douyin-go/douyin/pkg/idlist"
)

// MIsFavorite answers, for every positive id in videos, whether user likes
// it, with one query; an anonymous user (0) likes nothing.
func (s *Service) MIsFavorite(ctx context.Context, user int64, videos []int64) (map[int64]bool, error) {
	ids := idlist.UniquePositive(videos)
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = false
	}
	if user <= 0 || len(ids) == 0 {
		return out, nil
	}
	liked, err := s.Favorites.IsFavorite(ctx, user, ids)
	if err != nil {
		return nil, err
	}
	for id, yes := range liked {
		if _, asked := out[id]; asked && yes {
			out[id] = true
		}
	}
	return out, nil
}
