package service

import (
	"context"
	"errors"

	"github.com/douyin-go/douyin/cmd/user/dal"
	"github.com/douyin-go/douyin/pkg/errno"
)

// unknownUserHash is compared against when the username does not exist, so
// a wrong username costs as long as a wrong password and names cannot be
// probed by timing.
const unknownUserHash = "$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z2.JNbGJ/pc2Q4mlAl8w6ZMa"

// Login checks credentials and returns the user id.
func (s *Service) Login(ctx context.Context, username, password string) (int64, error) {
	if username == "" || password == "" {
		return 0, errno.ParamErr.WithMessage("username and password are required")
	}
	u, err := s.Users.ByUsername(ctx, username)
	if errors.Is(err, dal.ErrNotFound) {
		checkPassword(unknownUserHash, password)
		return 0, errno.LoginFailed
	}
	if err != nil {
		return 0, err
	}
	if !checkPassword(u.PasswordHash, password) {
		return 0, errno.LoginFailed
	}
	return u.ID, nil
}
