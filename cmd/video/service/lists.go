package service

import (
	"context"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/idlist"
	"github.com/douyin-go/douyin/pkg/paging"
	"github.com/douyin-go/douyin/pkg/remote"
)

// PublishList returns one page of user's videos as viewer sees them,
// newest first. The user is checked with the page's authors (they are
// the user), so a page of videos costs one user-service call, not two;
// only when they do not show the user is it asked for on its own.
func (s *Service) PublishList(ctx context.Context, viewer, user int64, page *base.Page) ([]*base.Video, *base.PageInfo, error) {
	if err := remote.CheckUserID(user); err != nil {
		return nil, nil, err
	}
	published, info, err := paging.Fetch(page, func(after paging.Pos, limit int) ([]paging.Pos, error) {
		return s.Videos.ByAuthor(ctx, user, after, limit)
	}, paging.Self)
	if err != nil {
		return nil, nil, err
	}
	videos, authors, err := s.assembleWithAuthors(ctx, viewer, paging.IDs(published), withLikes)
	if err != nil {
		return nil, nil, err
	}
	if authors[user] == nil {
		// An empty page (or one whose rows are gone) proves nothing: ask.
		if err := remote.RequireUser(ctx, s.Users, viewer, user); err != nil {
			return nil, nil, err
		}
	}
	return videos, info, nil
}

// MGetVideos returns the videos found among ids as viewer sees them, in
// the order of ids.
func (s *Service) MGetVideos(ctx context.Context, viewer int64, ids []int64) ([]*base.Video, error) {
	return s.assemble(ctx, viewer, ids)
}

// MGetVideosWithoutLikes is MGetVideos with is_favorite left false, for
// the interaction service, which owns likes: it fills them itself rather
// than be called back.
func (s *Service) MGetVideosWithoutLikes(ctx context.Context, viewer int64, ids []int64) ([]*base.Video, error) {
	videos, _, err := s.assembleWithAuthors(ctx, viewer, ids, withoutLikes)
	return videos, err
}

// VideoAuthors maps each known video id to its author id.
func (s *Service) VideoAuthors(ctx context.Context, ids []int64) (map[int64]int64, error) {
	rows, err := s.Videos.ByIDs(ctx, idlist.UniquePositive(ids))
	if err != nil {
		return nil, err
	}
	out := make(map[int64]int64, len(rows))
	for id, v := range rows {
		out[id] = v.AuthorID
	}
	return out, nil
}
