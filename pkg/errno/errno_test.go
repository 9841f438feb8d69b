package errno

import (
	"errors"
	"fmt"
	"testing"

	"github.com/douyin-go/douyin/kitex_gen/base"
)

func TestConvert(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want ErrNo
	}{
		{"nil is success", nil, Success},
		{"business error kept", UserNotExist, UserNotExist},
		{"wrapped business error kept", fmt.Errorf("ctx: %w", FollowSelf), FollowSelf},
		{"precise message kept", ParamErr.WithMessage("user_id must be an integer"), ErrNo{10002, "user_id must be an integer"}},
		{"internal error hidden", errors.New("dial tcp: refused"), ServiceErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Convert(tt.err); got != tt.want {
				t.Fatalf("Convert(%v) = %+v, want %+v", tt.err, got, tt.want)
			}
		})
	}
}

func TestBaseRespRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"success", nil},
		{"business", VideoNotExist},
		{"precise", ParamErr.WithMessage("title is required")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromBaseResp(ToBaseResp(tt.err))
			if Convert(got) != Convert(tt.err) {
				t.Fatalf("round trip of %v gave %v", tt.err, got)
			}
		})
	}
	if err := FromBaseResp(nil); !errors.Is(err, ServiceErr) {
		t.Fatalf("nil BaseResp: got %v", err)
	}
	if err := FromBaseResp(&base.BaseResp{StatusCode: 11002, StatusMsg: "user not found"}); !errors.Is(err, UserNotExist) {
		t.Fatalf("errors.Is by code failed: %v", err)
	}
}

func TestCodesAreUniqueAndMessagesNonEmpty(t *testing.T) {
	all := []ErrNo{Success, ServiceErr, ParamErr, TokenMissing, TokenInvalid, ServiceUnavail,
		UserAlreadyExist, UserNotExist, LoginFailed, FollowSelf, BadActionType,
		VideoNotExist, VideoInvalid, VideoTooLarge, CommentNotExist, CommentNotOwner, MessageToSelf, LiveConnLimit}
	seen := map[int32]string{}
	for _, e := range all {
		if e.Msg == "" {
			t.Errorf("code %d has an empty message", e.Code)
		}
		if prev, ok := seen[e.Code]; ok {
			t.Errorf("code %d used by %q and %q", e.Code, prev, e.Msg)
		}
		seen[e.Code] = e.Msg
	}
}
