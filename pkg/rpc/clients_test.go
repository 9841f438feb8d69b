package rpc

import (
	"reflect"
	"testing"

	"github.com/douyin-go/douyin/kitex_gen/interaction/interactionservice"
	"github.com/douyin-go/douyin/kitex_gen/message/messageservice"
	"github.com/douyin-go/douyin/kitex_gen/user/userservice"
	"github.com/douyin-go/douyin/kitex_gen/video/videoservice"
)

// A misspelt method in the retry table would silently lose its retries.
func TestRetryableMethodsExist(t *testing.T) {
	clients := map[string]reflect.Type{
		UserService:        reflect.TypeOf((*userservice.Client)(nil)).Elem(),
		VideoService:       reflect.TypeOf((*videoservice.Client)(nil)).Elem(),
		InteractionService: reflect.TypeOf((*interactionservice.Client)(nil)).Elem(),
		MessageService:     reflect.TypeOf((*messageservice.Client)(nil)).Elem(),
	}
	for service, methods := range retryable {
		typ, ok := clients[service]
		if !ok {
			t.Fatalf("retry table names unknown service %s", service)
		}
		for _, m := range methods {
			if _, ok := typ.MethodByName(m); !ok {
				t.Errorf("%s has no method %s", service, m)
			}
		}
	}
	// Writes that are not idempotent, and Login, whose bcrypt work a retry
	// after a timeout would only pile onto a server already too slow.
	for _, never := range []struct{ service, method string }{
		{UserService, "Register"}, {UserService, "Login"}, {VideoService, "Publish"}, {InteractionService, "CommentAction"}, {MessageService, "SendMessage"},
	} {
		for _, m := range retryable[never.service] {
			if m == never.method {
				t.Errorf("%s.%s must not be retried on any error", never.service, m)
			}
		}
	}
}
