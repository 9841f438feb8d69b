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

// Friend-list msgType values: whether the requester received or sent the
// latest message.
const (
	msgTypeReceived = 0
	msgTypeSent     = 1
)

type chatResponse struct {
	Status
	MessageList []*base.Message `json:"message_list"`
}

type friendListResponse struct {
	Status
	UserList []*base.FriendUser `json:"user_list"`
}

// MessageAction serves /douyin/message/action/: the token's user sends
// content to to_user_id.
func (h *Handler) MessageAction(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	req := &message.SendMessageRequest{
		FromUserId: auth.UserID(c),
		ToUserId:   p.ID("to_user_id"),
		ActionType: p.ActionType(1),
		Content:    p.RequiredString("content"),
	}
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := h.rpc.Message.SendMessage(ctx, req)
	reply(c, statusOf(rpc.Check(resp, err)))
}

// MessageChat serves /douyin/message/chat/: the token's user's conversation
// with to_user_id. pre_msg_time goes through as sent; the message service
// applies the seconds-or-milliseconds rule.
func (h *Handler) MessageChat(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	req := &message.ChatRequest{UserId: auth.UserID(c), ToUserId: p.ID("to_user_id"), PreMsgTime: p.Int64("pre_msg_time", 0)}
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := h.rpc.Message.Chat(ctx, req)
	if err := rpc.Check(resp, err); err != nil {
		fail(c, err)
		return
	}
	reply(c, chatResponse{Status: ok(), MessageList: nonNil(resp.Messages)})
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
	req := &user.RelationListRequest{ViewerId: viewer, UserId: p.ID("user_id")}
	if p.err != nil {
		fail(c, p.err)
		return
	}
	friends, err := h.rpc.User.FriendList(ctx, req)
	if err := rpc.Check(friends, err); err != nil {
		fail(c, err)
		return
	}
	latest := map[int64]*base.Message{}
	if len(friends.Users) > 0 {
		ids := make([]int64, len(friends.Users))
		for i, u := range friends.Users {
			ids[i] = u.Id
		}
		resp, err := h.rpc.Message.LatestMessages(ctx, &message.LatestMessagesRequest{UserId: viewer, PeerIds: ids})
		if err := rpc.Check(resp, err); err != nil {
			fail(c, err)
			return
		}
		latest = resp.Messages
	}
	list := make([]*base.FriendUser, 0, len(friends.Users))
	for _, u := range friends.Users {
		list = append(list, friendUser(u, latest[u.Id], viewer))
	}
	reply(c, friendListResponse{Status: ok(), UserList: list})
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
