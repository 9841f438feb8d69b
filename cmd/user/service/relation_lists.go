package service

import (
	"context"

	"github.com/douyin-go/douyin/kitex_gen/base"
)

// FollowList lists whom user follows, as viewer sees them.
func (s *Service) FollowList(ctx context.Context, viewer, user int64) ([]*base.User, error) {
	return s.relationList(ctx, viewer, user, s.Relations.FolloweesOf)
}

// FollowerList lists who follows user, as viewer sees them.
func (s *Service) FollowerList(ctx context.Context, viewer, user int64) ([]*base.User, error) {
	return s.relationList(ctx, viewer, user, s.Relations.FollowersOf)
}

// FriendList lists users who follow user and whom user follows.
func (s *Service) FriendList(ctx context.Context, viewer, user int64) ([]*base.User, error) {
	return s.relationList(ctx, viewer, user, s.Relations.FriendsOf)
}

func (s *Service) relationList(ctx context.Context, viewer, user int64, ids func(context.Context, int64) ([]int64, error)) ([]*base.User, error) {
	if _, err := s.GetUser(ctx, viewer, user); err != nil {
		return nil, err
	}
	related, err := ids(ctx, user)
	if err != nil {
		return nil, err
	}
	return s.listUsers(ctx, viewer, related)
}
