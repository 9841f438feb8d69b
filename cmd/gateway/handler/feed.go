package handler

import (
	"context"
	"time"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/video"
	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/pkg/rpc"
)

type feedResponse struct {
	Status
	VideoList []*base.Video `json:"video_list"`
	NextTime  int64         `json:"next_time"`
}

// Feed serves /douyin/feed/; the token is optional.
func (h *Handler) Feed(ctx context.Context, c *app.RequestContext) {
	p := paramsOf(c)
	latest := Millis(p.Int64("latest_time", 0))
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := h.rpc.Video.Feed(ctx, &video.FeedRequest{ViewerId: auth.UserID(c), LatestTime: latest})
	if err := rpc.Check(ctx, resp, err); err != nil {
		fail(c, err)
		return
	}
	reply(c, feedResponse{Status: ok(), VideoList: nonNil(resp.Videos), NextTime: resp.NextTime})
}

// Millis normalises a client time to milliseconds: values below 10^12 are
// seconds; 0 and negative values mean "not given".
func Millis(t int64) int64 {
	switch {
	case t <= 0:
		return 0
	case t < 1e12:
		return t * int64(time.Second/time.Millisecond)
	default:
		return t
	}
}
