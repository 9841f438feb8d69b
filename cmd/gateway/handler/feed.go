package handler

import (
	"context"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/video"
	"github.com/douyin-go/douyin/pkg/apitime"
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
	latest := apitime.Millis(p.Int64("latest_time", 0))
	if p.err != nil {
		fail(c, p.err)
		return
	}
	resp, err := h.rpc.Video.Feed(ctx, &video.FeedRequest{ViewerId: auth.UserID(c), LatestTime: latest})
	if err := rpc.Check(resp, err); err != nil {
		fail(c, err)
		return
	}
	reply(c, feedResponse{Status: ok(), VideoList: nonNil(resp.Videos), NextTime: resp.NextTime})
}
