package service

import (
	"context"
	"errors"

	"github.com/douyin-go/douyin/cmd/user/dal"
	"github.com/douyin-go/douyin/pkg/errno"
)

// Register creates an account and returns its id.
func (s *Service) Register(ctx context.Context, username, password string) (int64, error) {
	if err := s.validateUsername(username); err != nil {
		return 0, err
	}
	if err := validatePassword(password); err != nil {
		return 0, err
	}
	hash, err := hashPassword(password, s.opts.BcryptCost)
	if err != nil {
		return 0, err
	}
	u := &dal.User{Username: username, PasswordHash: hash, CreatedAt: s.Clock().UTC()}
	if err := s.Users.Create(ctx, u); err != nil {
		if errors.Is(err, dal.ErrDuplicate) {
			return 0, errno.UserAlreadyExist
		}
		return 0, err
	}
	return u.ID, nil
}
