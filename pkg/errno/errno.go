// Package errno holds every business error of douyin as a stable code with
// a human message; codes travel over RPC in base.BaseResp and reach the
// client as status_code/status_msg. The table is documented in docs/errors.md.
package errno

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/cloudwego/kitex/pkg/rpcinfo"

	"github.com/douyin-go/douyin/kitex_gen/base"
)

// ErrNo is a business error: a stable code and a message safe to show.
type ErrNo struct {
	Code int32
	Msg  string
}

func (e ErrNo) Error() string { return fmt.Sprintf("errno %d: %s", e.Code, e.Msg) }

// WithMessage keeps the code and replaces the message with a more precise one.
func (e ErrNo) WithMessage(msg string) ErrNo { return ErrNo{Code: e.Code, Msg: msg} }

// WithMessagef is WithMessage with formatting.
func (e ErrNo) WithMessagef(format string, args ...any) ErrNo {
	return e.WithMessage(fmt.Sprintf(format, args...))
}

// Is matches any ErrNo with the same code, so errors.Is(err, errno.ParamErr)
// holds for a ParamErr with a precise message.
func (e ErrNo) Is(target error) bool {
	var t ErrNo
	return errors.As(target, &t) && t.Code == e.Code
}

// Stable codes. Never renumber: clients and tools depend on them.
var (
	Success          = ErrNo{0, "success"}
	ServiceErr       = ErrNo{10001, "internal server error, please try again"}
	ParamErr         = ErrNo{10002, "invalid parameter"}
	TokenMissing     = ErrNo{10003, "token is required"}
	TokenInvalid     = ErrNo{10004, "token is invalid or expired"}
	ServiceUnavail   = ErrNo{10005, "service temporarily unavailable, please try again"}
	RateLimited      = ErrNo{10006, "too many requests, please slow down and try again later"}
	Overloaded       = ErrNo{10007, "the server is busy, please try again in a moment"}
	NotFound         = ErrNo{10008, "not found"}
	MethodNotAllowed = ErrNo{10009, "method not allowed on this route"}
	TextNotAllowed   = ErrNo{10010, "the text contains words that are not allowed"}

	UserAlreadyExist = ErrNo{11001, "username already exists"}
	UserNotExist     = ErrNo{11002, "user not found"}
	LoginFailed      = ErrNo{11003, "wrong username or password"}
	FollowSelf       = ErrNo{11004, "you cannot follow yourself"}
	BadActionType    = ErrNo{11005, "action_type is not supported"}
	LoginLocked      = ErrNo{11006, "too many failed logins for this account, please try again later"}

	VideoNotExist   = ErrNo{12001, "video not found"}
	VideoInvalid    = ErrNo{12002, "the uploaded file is not a playable video"}
	VideoTooLarge   = ErrNo{12003, "the uploaded file is too large"}
	UploadsBusy     = ErrNo{12004, "too many uploads in progress, please wait for one to finish"}
	CommentNotExist = ErrNo{12101, "comment not found"}
	CommentNotOwner = ErrNo{12102, "only the author can delete a comment"}

	MessageToSelf = ErrNo{13001, "you cannot send a message to yourself"}
	LiveConnLimit = ErrNo{13002, "too many live chat connections for this user"}
)

// Convert turns any error into an ErrNo; errors that are not business
// errors become ServiceErr so internals never leak to clients.
func Convert(err error) ErrNo {
	if err == nil {
		return Success
	}
	var e ErrNo
	if errors.As(err, &e) {
		return e
	}
	return ServiceErr
}

// ToBaseResp packs err for an RPC response.
func ToBaseResp(err error) *base.BaseResp {
	e := Convert(err)
	return &base.BaseResp{StatusCode: e.Code, StatusMsg: e.Msg}
}

// IsInternal reports whether err is a failure the client only sees as the
// generic ServiceErr: anything that is not a business error.
func IsInternal(err error) bool {
	var e ErrNo
	return err != nil && !errors.As(err, &e)
}

// Reporter packs use-case outcomes for RPC responses and logs the internal
// failures among them, once, with the request's trace: the client only
// ever sees the generic message.
type Reporter struct{ Log *slog.Logger }

// BaseResp packs err, logging it when it is internal.
func (r Reporter) BaseResp(ctx context.Context, err error) *base.BaseResp {
	if IsInternal(err) && r.Log != nil {
		method := "unknown"
		if ri := rpcinfo.GetRPCInfo(ctx); ri != nil {
			method = ri.To().Method()
		}
		r.Log.ErrorContext(ctx, "request failed", "method", method, "err", err)
	}
	return ToBaseResp(err)
}

// FromBaseResp unpacks an RPC response's outcome: nil on success.
func FromBaseResp(r *base.BaseResp) error {
	if r == nil {
		return ServiceErr.WithMessage("internal server error: empty response")
	}
	if r.StatusCode == Success.Code {
		return nil
	}
	return ErrNo{Code: r.StatusCode, Msg: r.StatusMsg}
}
