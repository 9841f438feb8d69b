package service_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/douyin-go/douyin/cmd/message/dal"
	"github.com/douyin-go/douyin/cmd/message/service"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/testutil/fakes"
)

func TestChat(t *testing.T) {
	const alice, bob = 1, 2
	stored := []dal.Message{
		{ID: 7, FromUserID: alice, ToUserID: bob, Content: "hi", CreateTime: 1_700_000_000_000},
		{ID: 9, FromUserID: bob, ToUserID: alice, Content: "hey", CreateTime: 1_700_000_000_001},
	}
	tests := []struct {
		name      string
		user, to  int64
		store     *fakeStore
		users     *fakes.Users
		want      error
		wantIDs   []int64
		wantCalls int // user-service calls
	}{
		{"existing conversation needs no user lookup", alice, bob, &fakeStore{chat: stored, exists: true}, fakes.NewUsers(alice, bob), nil, []int64{7, 9}, 0},
		{"nothing new in an existing conversation", alice, bob, &fakeStore{exists: true}, fakes.NewUsers(alice, bob), nil, []int64{}, 0},
		{"no conversation with an existing user", alice, bob, &fakeStore{}, fakes.NewUsers(alice, bob), nil, []int64{}, 1},
		{"no conversation with an unknown user", alice, 99, &fakeStore{}, fakes.NewUsers(alice, bob), errno.UserNotExist, nil, 1},
		{"user service down", alice, bob, &fakeStore{}, &fakes.Users{Err: errno.ServiceUnavail}, errno.ServiceUnavail, nil, 1},
		{"store fails", alice, bob, &fakeStore{err: errBoom}, fakes.NewUsers(alice, bob), errBoom, nil, 0},
		{"with self", alice, alice, &fakeStore{}, fakes.NewUsers(alice), errno.MessageToSelf, nil, 0},
		{"zero to_user_id", alice, 0, &fakeStore{}, fakes.NewUsers(alice), errno.ParamErr, nil, 0},
		{"no user", 0, bob, &fakeStore{}, fakes.NewUsers(bob), errno.ParamErr, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := service.New(service.Deps{Messages: tt.store, Users: tt.users}, service.Options{})
			msgs, _, err := svc.Chat(context.Background(), tt.user, tt.to, 0, nil)
			if !errors.Is(err, tt.want) { // errors.Is(err, nil) means err == nil
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if len(tt.users.Calls()) != tt.wantCalls {
				t.Fatalf("%d user-service calls, want %d", len(tt.users.Calls()), tt.wantCalls)
			}
			if tt.want != nil {
				return
			}
			if msgs == nil || len(msgs) != len(tt.wantIDs) {
				t.Fatalf("got %v, want ids %v (never nil)", msgs, tt.wantIDs)
			}
			for i, m := range msgs {
				s := stored[i]
				if m.Id != tt.wantIDs[i] || m.FromUserId != s.FromUserID || m.ToUserId != s.ToUserID || m.Content != s.Content || m.CreateTime != s.CreateTime {
					t.Fatalf("message %d: %+v, from %+v", i, m, s)
				}
			}
		})
	}
}

func TestChatPreMsgTime(t *testing.T) {
	tests := []struct {
		name      string
		pre, want int64
	}{
		{"missing", 0, 0},
		{"negative", -5, 0},
		{"seconds", 1_700_000_000, 1_700_000_000_000},
		{"largest seconds", 999_999_999_999, 999_999_999_999_000},
		{"smallest milliseconds", 1_000_000_000_000, 1_000_000_000_000},
		{"milliseconds", 1_700_000_000_123, 1_700_000_000_123},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &fakeStore{exists: true}
			svc := service.New(service.Deps{Messages: store, Users: fakes.NewUsers(1, 2)}, service.Options{})
			if _, _, err := svc.Chat(context.Background(), 1, 2, tt.pre, nil); err != nil {
				t.Fatal(err)
			}
			if len(store.chatAfter) != 1 || store.chatAfter[0] != tt.want {
				t.Fatalf("store asked for after %v, want %d", store.chatAfter, tt.want)
			}
		})
	}
}

// Chat answers one page: going back from the latest (or a cursor) it keeps
// the newest and points at the page before; going forward from a poll time
// it keeps the oldest and says more wait.
func TestChatPage(t *testing.T) {
	var stored []dal.Message
	for i := int64(1); i <= 4; i++ {
		stored = append(stored, dal.Message{ID: i, FromUserID: 1, ToUserID: 2, CreateTime: 1000 * i})
	}
	tests := []struct {
		name       string
		pre        int64
		page       *base.Page
		wantTimes  []int64
		wantCursor string
		wantMore   bool
	}{
		{"latest page", 0, &base.Page{Count: 3}, []int64{2000, 3000, 4000}, "2000", true},
		{"page before a cursor", 0, &base.Page{Count: 3, Cursor: "5000"}, []int64{2000, 3000, 4000}, "2000", true},
		{"new since a poll", 1_000_000_000_000, &base.Page{Count: 3}, []int64{1000, 2000, 3000}, "", true},
		{"everything fits", 0, &base.Page{Count: 4}, []int64{1000, 2000, 3000, 4000}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := service.New(service.Deps{Messages: &fakeStore{chat: stored, exists: true}, Users: fakes.NewUsers(1, 2)}, service.Options{})
			msgs, info, err := svc.Chat(context.Background(), 1, 2, tt.pre, tt.page)
			if err != nil {
				t.Fatal(err)
			}
			var times []int64
			for _, m := range msgs {
				times = append(times, m.CreateTime)
			}
			if !reflect.DeepEqual(times, tt.wantTimes) || info.NextCursor != tt.wantCursor || info.HasMore != tt.wantMore {
				t.Fatalf("page %v %+v, want %v cursor %q more %v", times, info, tt.wantTimes, tt.wantCursor, tt.wantMore)
			}
		})
	}
}
