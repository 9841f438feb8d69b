package handler

import (
	"context"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/message"
	"github.com/douyin-go/douyin/kitex_gen/user"
	"github.com/douyin-go/douyin/pkg/rpc"
)

type friendListResponse struct {
	Status
	UserList []*base.FriendUser `json:"user_list"`
	PageInfo
}

// Friend-list msgType values: whether the requester received or sent the
// latest message.
const (
	msgTypeReceived = 0
	msgTypeSent     = 1
)

type userListResponse struct {
	Status
	UserList []*base.User `json:"user_list"`
	PageInfo
}

// RelationAction serves /douyin/relation/action/.
func (h *Handler) RelationAction(ctx context.Context, c *app.RequestContext) {
	serve(ctx, c, bindRelationAction, h.rpc.User.Follow, statusOnly[*user.FollowResponse])
}

func bindRelationAction(p *params, c *app.RequestContext) *user.FollowRequest {
	return &user.FollowRequest{UserId: auth.UserID(c), ToUserId: p.ID("to_user_id"), ActionType: p.ActionType(1, 2)}
}

// FollowList serves /douyin/relation/follow/list/.
func (h *Handler) FollowList(ctx context.Context, c *app.RequestContext) {
	serve(ctx, c, bindRelationList, h.rpc.User.FollowList, packUserList)
}

// FollowerList serves /douyin/relation/follower/list/.
func (h *Handler) FollowerList(ctx context.Context, c *app.RequestContext) {
	serve(ctx, c, bindRelationList, h.rpc.User.FollowerList, packUserList)
}

func bindRelationList(p *params, c *app.RequestContext) *user.RelationListRequest {
	return &user.RelationListRequest{ViewerId: auth.UserID(c), UserId: p.ID("user_id"), Page: p.Page()}
}

func packUserList(r *user.RelationListResponse) any {
	return userListResponse{Status: ok(), UserList: nonNil(r.Users), PageInfo: pageInfoOf(r.PageInfo)}
}

// FriendList serves /douyin/relation/friend/list/ with two RPCs however
// many friends: the friends of user_id (as the requester sees them), then
// the latest messages of all of them in one batch.
//
// The requester is the token's user, and the message shown is the latest
// between the requester and each friend: msgType is defined relative to
// the requester, and nobody may read a conversation they are not part of,
// so viewing someone else's friend list never reveals their messages. The
// client only asks for its own list, where the two readings agree. With no
// message, message is "" and msgType is 0 (the contract defines msgType only
// for an existing message; 0 is the zero value clients already handle).
func (h *Handler) FriendList(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	viewer := auth.UserID(c)
	req := bindRelationList(p, c)
	if p.err != nil {
		fail(c, p.err)
		return
	}
	friends, err := h.rpc.User.FriendList(ctx, req)
	if err := rpc.Check(friends, err); err != nil {
		fail(c, err)
		return
	}
	latest, err := h.latestMessages(ctx, viewer, friends.Users)
	if err != nil {
		fail(c, err)
		return
	}
	list := make([]*base.FriendUser, 0, len(friends.Users))
	for _, u := range friends.Users {
		list = append(list, friendUser(u, latest[u.Id], viewer))
	}
	reply(c, friendListResponse{Status: ok(), UserList: list, PageInfo: pageInfoOf(friends.PageInfo)})
}

// friendUser flattens u with the latest message m (nil if none), as seen
// by viewer.
func friendUser(u *base.User, m *base.Message, viewer int64) *base.FriendUser {
	f := &base.FriendUser{
		Id:              u.Id,
		Name:            u.Name,
		FollowCount:     u.FollowCount,
		FollowerCount:   u.FollowerCount,
		IsFollow:        u.IsFollow,
		Avatar:          u.Avatar,
		BackgroundImage: u.BackgroundImage,
		Signature:       u.Signature,
		TotalFavorited:  u.TotalFavorited,
		WorkCount:       u.WorkCount,
		FavoriteCount:   u.FavoriteCount,
		MsgType:         msgTypeReceived,
	}
	if m != nil {
		f.Message = m.Content
		if m.FromUserId == viewer {
			f.MsgType = msgTypeSent
		}
	}
	return f
}

// latestMessages reads, in one batch, the latest message between viewer
// and each of users, keyed by user id.
func (h *Handler) latestMessages(ctx context.Context, viewer int64, users []*base.User) (map[int64]*base.Message, error) {
	if len(users) == 0 {
		return map[int64]*base.Message{}, nil
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.Id
	}
	resp, err := h.rpc.Message.LatestMessages(ctx, &message.LatestMessagesRequest{UserId: viewer, PeerIds: ids})
	if err := rpc.Check(resp, err); err != nil {
		return nil, err
	}
	return resp.Messages, nil
}
