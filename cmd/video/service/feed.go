package service

import (
	"context"

	"github.com/douyin-go/douyin/kitex_gen/base"
)

// Feed returns at most FeedSize videos published strictly before latestMs
// (0 = now), newest first, and the publish time of the oldest returned.
// With no video left, next_time is latestMs, so a client that pages on
// gets empty pages rather than jumping back to the newest videos.
func (s *Service) Feed(ctx context.Context, viewer, latestMs int64) ([]*base.Video, int64, error) {
	if latestMs <= 0 {
		latestMs = s.Clock().UnixMilli() + 1
	}
	stamps, err := s.Videos.Before(ctx, latestMs, s.opts.FeedSize)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, len(stamps))
	for i, st := range stamps {
		ids[i] = st.ID
	}
	videos, err := s.assemble(ctx, viewer, ids)
	if err != nil {
		return nil, 0, err
	}
	next := latestMs
	if len(stamps) > 0 {
		next = stamps[len(stamps)-1].PublishedAt
	}
	return videos, next, nil
}
