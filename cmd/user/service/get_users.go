package service

import (
	"context"

	"github.com/douyin-go/douyin/cmd/user/dal"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/idlist"
)

// GetUser returns one user as viewer sees it.
func (s *Service) GetUser(ctx context.Context, viewer, id int64) (*base.User, error) {
	if id <= 0 {
		return nil, errno.ParamErr.WithMessage("user_id must be a positive integer")
	}
	users, err := s.MGetUsers(ctx, viewer, []int64{id})
	if err != nil {
		return nil, err
	}
	u, ok := users[id]
	if !ok {
		return nil, errno.UserNotExist
	}
	return u, nil
}

// MGetUsers returns the users found among ids as viewer sees them, with
// one cache/database read for the users and one for is_follow.
func (s *Service) MGetUsers(ctx context.Context, viewer int64, ids []int64) (map[int64]*base.User, error) {
	ids = idlist.UniquePositive(ids)
	rows, err := s.Users.ByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	following, err := s.Relations.Following(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*base.User, len(rows))
	for id, row := range rows {
		out[id] = s.pack(row, following[id])
	}
	return out, nil
}

// listUsers returns ids as viewer sees them, in the order of ids.
func (s *Service) listUsers(ctx context.Context, viewer int64, ids []int64) ([]*base.User, error) {
	users, err := s.MGetUsers(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	list := make([]*base.User, 0, len(ids))
	for _, id := range ids {
		if u, ok := users[id]; ok {
			list = append(list, u)
		}
	}
	return list, nil
}

func (s *Service) pack(u dal.User, isFollow bool) *base.User {
	return &base.User{
		Id:              u.ID,
		Name:            u.Username,
		FollowCount:     u.FollowCount,
		FollowerCount:   u.FollowerCount,
		IsFollow:        isFollow,
		Avatar:          s.opts.AvatarURL,
		BackgroundImage: s.opts.BackgroundURL,
		Signature:       u.Signature,
		TotalFavorited:  u.TotalFavorited,
		WorkCount:       u.WorkCount,
		FavoriteCount:   u.FavoriteCount,
	}
}
