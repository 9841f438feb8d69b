// Package live is the gateway's live chat: a WebSocket per browser tab
// that receives each chat message of its user as it is sent, and catches
// up from a create_time after a reconnect. The wire protocol is in
// docs/websocket.md; polling /douyin/message/chat/ is untouched.
//
// Every gateway replica reads every message event from Kafka (Feed) and
// hands it to its Hub, which queues it on the sockets of the sender and
// the receiver connected to this replica. Each socket is one session
// goroutine that owns its state, so delivery needs no locks beyond the
// hub's map.
package live

import (
	"encoding/json"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
)

// Frame types, client to server.
const (
	// TypeSync asks for the messages with ToUserID after PreMsgTime, then
	// every new one as it is sent.
	TypeSync = "sync"
)

// Frame types, server to client.
const (
	// TypeReady is the first frame: the socket is registered, every
	// message sent from now on will be pushed.
	TypeReady = "ready"
	// TypeMessage carries one message (the API's Message object).
	TypeMessage = "message"
	// TypeSynced ends the history of a sync: CreateTime is the last
	// create_time delivered for that conversation.
	TypeSynced = "synced"
	// TypeError reports a refused request (StatusCode/StatusMsg as in the
	// HTTP API); the socket stays open.
	TypeError = "error"
	// TypeRefused says why the socket itself is refused (a bad token, too
	// many sockets); its close follows.
	TypeRefused = "refused"
)

// Close codes the server uses beside the standard ones: 1001 (going away:
// the gateway shuts down, reconnect elsewhere), 1008 (policy violation:
// refused, an error frame says why), 1013 (try again later: too slow a
// reader, or the replica is full or not ready).
const (
	CloseGoingAway     = 1001
	ClosePolicy        = 1008
	CloseTryAgainLater = 1013
)

// Inbound is a frame from the client.
type Inbound struct {
	Type       string `json:"type"`
	ToUserID   int64  `json:"to_user_id"`
	PreMsgTime int64  `json:"pre_msg_time"`
}

// Outbound is a frame to the client; fields not of its type are omitted.
type Outbound struct {
	Type       string        `json:"type"`
	UserID     int64         `json:"user_id,omitempty"`
	Message    *base.Message `json:"message,omitempty"`
	ToUserID   int64         `json:"to_user_id,omitempty"`
	CreateTime *int64        `json:"create_time,omitempty"`
	StatusCode int32         `json:"status_code,omitempty"`
	StatusMsg  string        `json:"status_msg,omitempty"`
}

func readyFrame(user int64) Outbound { return Outbound{Type: TypeReady, UserID: user} }

func messageFrame(m *base.Message) Outbound { return Outbound{Type: TypeMessage, Message: m} }

func syncedFrame(peer, last int64) Outbound {
	return Outbound{Type: TypeSynced, ToUserID: peer, CreateTime: &last}
}

func errorFrame(err error, peer int64) Outbound {
	e := errno.Convert(err)
	return Outbound{Type: TypeError, ToUserID: peer, StatusCode: e.Code, StatusMsg: e.Msg}
}

func refusedFrame(err error) Outbound {
	e := errno.Convert(err)
	return Outbound{Type: TypeRefused, StatusCode: e.Code, StatusMsg: e.Msg}
}

func encode(f Outbound) []byte {
	b, _ := json.Marshal(f) // plain structs: cannot fail
	return b
}
