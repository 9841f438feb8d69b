// Package remote gives services the reads they need from other douyin
// services as plain Go calls: typed adapters over the Kitex clients, with
// RPC and business errors folded into one error by rpc.Check, and the
// cross-service rules built on them.
package remote

import (
	"context"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/interaction"
	"github.com/douyin-go/douyin/kitex_gen/interaction/interactionservice"
	"github.com/douyin-go/douyin/kitex_gen/message"
	"github.com/douyin-go/douyin/kitex_gen/message/messageservice"
	"github.com/douyin-go/douyin/kitex_gen/user"
	"github.com/douyin-go/douyin/kitex_gen/user/userservice"
	"github.com/douyin-go/douyin/kitex_gen/video"
	"github.com/douyin-go/douyin/kitex_gen/video/videoservice"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// Users reads users from the user service.
type Users struct{ Client userservice.Client }

// MGetUsers returns the users found among ids as viewer sees them.
func (u Users) MGetUsers(ctx context.Context, viewer int64, ids []int64) (map[int64]*base.User, error) {
	if len(ids) == 0 {
		return map[int64]*base.User{}, nil
	}
	resp, err := u.Client.MGetUsers(ctx, &user.MGetUsersRequest{ViewerId: viewer, UserIds: ids})
	if err := rpc.Check(resp, err); err != nil {
		return nil, err
	}
	return resp.Users, nil
}

// Favorites reads likes from the interaction service.
type Favorites struct{ Client interactionservice.Client }

// MIsFavorite answers which of videoIDs user likes.
func (f Favorites) MIsFavorite(ctx context.Context, userID int64, videoIDs []int64) (map[int64]bool, error) {
	if userID == 0 || len(videoIDs) == 0 {
		return map[int64]bool{}, nil
	}
	resp, err := f.Client.MIsFavorite(ctx, &interaction.MIsFavoriteRequest{UserId: userID, VideoIds: videoIDs})
	if err := rpc.Check(resp, err); err != nil {
		return nil, err
	}
	return resp.IsFavorite, nil
}

// Videos reads videos from the video service.
type Videos struct{ Client videoservice.Client }

// VideoAuthors maps each known video id to its author id.
func (v Videos) VideoAuthors(ctx context.Context, ids []int64) (map[int64]int64, error) {
	resp, err := v.Client.VideoAuthors(ctx, &video.VideoAuthorsRequest{VideoIds: ids})
	if err := rpc.Check(resp, err); err != nil {
		return nil, err
	}
	return resp.AuthorIds, nil
}

// MGetVideosWithoutLikes returns the videos found among ids as viewer
// sees them, in order, with is_favorite left false (for the interaction
// service, which owns likes).
func (v Videos) MGetVideosWithoutLikes(ctx context.Context, viewer int64, ids []int64) ([]*base.Video, error) {
	if len(ids) == 0 {
		return []*base.Video{}, nil
	}
	resp, err := v.Client.MGetVideos(ctx, &video.MGetVideosRequest{ViewerId: viewer, VideoIds: ids, WithoutIsFavorite: true})
	if err := rpc.Check(resp, err); err != nil {
		return nil, err
	}
	return resp.Videos, nil
}

// UserGetter batch-gets users as a viewer sees them (remote.Users, or a fake).
type UserGetter interface {
	MGetUsers(ctx context.Context, viewer int64, ids []int64) (map[int64]*base.User, error)
}

// CheckUserID fails with ParamErr unless userID (the user_id parameter)
// can be an id.
func CheckUserID(userID int64) error {
	if userID <= 0 {
		return errno.ParamErr.WithMessage("user_id must be a positive integer")
	}
	return nil
}

// RequireUser fails unless userID (the user_id parameter) names an
// existing user: ParamErr when it cannot be an id, UserNotExist when no
// such user exists.
func RequireUser(ctx context.Context, users UserGetter, viewer, userID int64) error {
	if err := CheckUserID(userID); err != nil {
		return err
	}
	found, err := users.MGetUsers(ctx, viewer, []int64{userID})
	if err != nil {
		return err
	}
	if _, ok := found[userID]; !ok {
		return errno.UserNotExist
	}
	return nil
}

// Messages reads conversations from the message service.
type Messages struct{ Client messageservice.Client }

// Chat returns the messages between user and peer with create_time > after
// (ms), oldest first.
func (m Messages) Chat(ctx context.Context, user, peer, after int64) ([]*base.Message, error) {
	resp, err := m.Client.Chat(ctx, &message.ChatRequest{UserId: user, ToUserId: peer, PreMsgTime: after})
	if err := rpc.Check(resp, err); err != nil {
		return nil, err
	}
	return resp.Messages, nil
}
