package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/douyin-go/douyin/cmd/message/service"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/moderation"
	"github.com/douyin-go/douyin/pkg/testutil/fakes"
)

var clock = time.UnixMilli(1_700_000_000_123)

func TestSendMessage(t *testing.T) {
	const alice, bob = 1, 2
	tests := []struct {
		name     string
		from, to int64
		action   int32
		content  string
		users    *fakes.Users
		storeErr error
		want     error
		// stored is the content stored on success.
		stored string
	}{
		{"sends", alice, bob, 1, "hello", fakes.NewUsers(alice, bob), nil, nil, "hello"},
		{"trims surrounding whitespace", alice, bob, 1, " \t hi there \n", fakes.NewUsers(alice, bob), nil, nil, "hi there"},
		{"1000 characters of multibyte text", alice, bob, 1, strings.Repeat("字", 1000), fakes.NewUsers(alice, bob), nil, nil, strings.Repeat("字", 1000)},
		{"1000 characters once trimmed", alice, bob, 1, "  " + strings.Repeat("a", 1000) + "  ", fakes.NewUsers(alice, bob), nil, nil, strings.Repeat("a", 1000)},
		{"no friendship needed", bob, alice, 1, "hi", fakes.NewUsers(alice, bob), nil, nil, "hi"},
		{"action 2", alice, bob, 2, "hello", fakes.NewUsers(alice, bob), nil, errno.BadActionType, ""},
		{"action 0", alice, bob, 0, "hello", fakes.NewUsers(alice, bob), nil, errno.BadActionType, ""},
		{"zero receiver", alice, 0, 1, "hello", fakes.NewUsers(alice), nil, errno.ParamErr, ""},
		{"negative receiver", alice, -2, 1, "hello", fakes.NewUsers(alice), nil, errno.ParamErr, ""},
		{"no sender", 0, bob, 1, "hello", fakes.NewUsers(bob), nil, errno.ParamErr, ""},
		{"to self", alice, alice, 1, "hello", fakes.NewUsers(alice), nil, errno.MessageToSelf, ""},
		{"empty content", alice, bob, 1, "", fakes.NewUsers(alice, bob), nil, errno.ParamErr, ""},
		{"whitespace-only content", alice, bob, 1, " \n\t\u3000 ", fakes.NewUsers(alice, bob), nil, errno.ParamErr, ""},
		{"1001 characters", alice, bob, 1, strings.Repeat("字", 1001), fakes.NewUsers(alice, bob), nil, errno.ParamErr, ""},
		{"invalid UTF-8", alice, bob, 1, "hi \xff", fakes.NewUsers(alice, bob), nil, errno.ParamErr, ""},
		{"control character", alice, bob, 1, "hi \x1b[2J", fakes.NewUsers(alice, bob), nil, errno.ParamErr, ""},
		{"line breaks kept", alice, bob, 1, "line one\nline two", fakes.NewUsers(alice, bob), nil, nil, "line one\nline two"},
		{"sensitive words masked", alice, bob, 1, "你是傻逼 FUCK", fakes.NewUsers(alice, bob), nil, nil, "你是** ****"},
		{"unknown receiver", alice, 99, 1, "hello", fakes.NewUsers(alice, bob), nil, errno.UserNotExist, ""},
		{"user service down", alice, bob, 1, "hello", &fakes.Users{Err: errno.ServiceUnavail}, nil, errno.ServiceUnavail, ""},
		{"store fails", alice, bob, 1, "hello", fakes.NewUsers(alice, bob), errBoom, errBoom, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &fakeStore{err: tt.storeErr}
			svc := service.New(service.Deps{Messages: store, Users: tt.users, Clock: func() time.Time { return clock }}, service.Options{Words: moderation.BuiltIn()})
			err := svc.SendMessage(context.Background(), tt.from, tt.to, tt.action, tt.content)
			if !errors.Is(err, tt.want) { // errors.Is(err, nil) means err == nil
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want != nil {
				if len(store.sends) != 0 {
					t.Fatalf("stored %v despite the error", store.sends)
				}
				return
			}
			want := sent{tt.from, tt.to, tt.stored, clock.UnixMilli()}
			if len(store.sends) != 1 || store.sends[0] != want {
				t.Fatalf("stored %+v, want %+v", store.sends, want)
			}
		})
	}
}

func TestSendMessageValidatesBeforeCallingTheUserService(t *testing.T) {
	u := fakes.NewUsers(1, 2)
	svc := service.New(service.Deps{Messages: &fakeStore{}, Users: u}, service.Options{})
	for _, content := range []string{"", "   ", strings.Repeat("x", 1001)} {
		_ = svc.SendMessage(context.Background(), 1, 2, 1, content)
	}
	_ = svc.SendMessage(context.Background(), 1, 1, 1, "self")
	if len(u.Calls()) != 0 {
		t.Fatalf("bad input cost %d user-service calls", len(u.Calls()))
	}
}
