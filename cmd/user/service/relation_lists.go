package service

import (
	"context"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/paging"
)

// FollowList lists one page of whom user follows, newest first, as viewer
// sees them.
func (s *Service) FollowList(ctx context.Context, viewer, user int64, page *base.Page) ([]*base.User, *base.PageInfo, error) {
	return s.relationList(ctx, viewer, user, page, s.Relations.FolloweesOf)
}

// FollowerList lists one page of who follows user, newest first.
func (s *Service) FollowerList(ctx context.Context, viewer, user int64, page *base.Page) ([]*base.User, *base.PageInfo, error) {
	return s.relationList(ctx, viewer, user, page, s.Relations.FollowersOf)
}

// FriendList lists one page of the users who follow user and whom user
// follows, newest friendship first.
func (s *Service) FriendList(ctx context.Context, viewer, user int64, page *base.Page) ([]*base.User, *base.PageInfo, error) {
	return s.relationList(ctx, viewer, user, page, s.Relations.FriendsOf)
}

type relationPage func(ctx context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error)

func (s *Service) relationList(ctx context.Context, viewer, user int64, page *base.Page, read relationPage) ([]*base.User, *base.PageInfo, error) {
	if _, err := s.GetUser(ctx, viewer, user); err != nil {
		return nil, nil, err
	}
	related, info, err := paging.Fetch(page, func(after paging.Pos, limit int) ([]paging.Pos, error) {
		return read(ctx, user, after, limit)
	}, paging.Self)
	if err != nil {
		return nil, nil, err
	}
	users, err := s.listUsers(ctx, viewer, paging.IDs(related))
	return users, info, err
}
