package service

import (
	"context"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/paging"
	"github.com/douyin-go/douyin/pkg/remote"
)

// FavoriteList lists one page of the videos user likes, most recently
// liked first, as viewer sees them: one user-service call, one query, one
// video-service call and viewer's likes read here, whatever the page's
// size (the video service is not called back for them).
func (s *Service) FavoriteList(ctx context.Context, viewer, user int64, page *base.Page) ([]*base.Video, *base.PageInfo, error) {
	if err := remote.RequireUser(ctx, s.Users, viewer, user); err != nil {
		return nil, nil, err
	}
	liked, info, err := paging.Fetch(page, func(after paging.Pos, limit int) ([]paging.Pos, error) {
		return s.Favorites.LikedVideos(ctx, user, after, limit)
	}, paging.Self)
	if err != nil {
		return nil, nil, err
	}
	if len(liked) == 0 {
		return []*base.Video{}, info, nil
	}
	ids := paging.IDs(liked)
	videos, err := s.Videos.MGetVideosWithoutLikes(ctx, viewer, ids)
	if err != nil {
		return nil, nil, err
	}
	viewerLikes, err := s.MIsFavorite(ctx, viewer, ids)
	if err != nil {
		return nil, nil, err
	}
	out := inOrder(ids, videos)
	for _, v := range out {
		v.IsFavorite = viewerLikes[v.Id]
	}
	return out, info, nil
}

// inOrder returns videos in the order of ids, leaving out ids the video
// service did not return (and any it returned twice or unasked).
func inOrder(ids []int64, videos []*base.Video) []*base.Video {
	byID := make(map[int64]*base.Video, len(videos))
	for _, v := range videos {
		if v != nil {
			byID[v.Id] = v
		}
	}
	out := make([]*base.Video, 0, len(ids))
	for _, id := range ids {
		if v, ok := byID[id]; ok {
			out = append(out, v)
			delete(byID, id)
		}
	}
	return out
}
