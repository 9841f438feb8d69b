package handler

import (
	"context"

	"github.com/cloudwego/hertz/pkg/app"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/video"
	"github.com/douyin-go/douyin/pkg/apitime"
)

type feedResponse struct {
	Status
	VideoList []*base.Video `json:"video_list"`
	NextTime  int64         `json:"next_time"`
}

// Feed serves /douyin/feed/; the token is optional.
func (h *Handler) Feed(ctx context.Context, c *app.RequestContext) {
	serve(ctx, c, bindFeed, h.rpc.Video.Feed, func(r *video.FeedResponse) any {
		return feedResponse{Status: ok(), VideoList: nonNil(r.Videos), NextTime: r.NextTime}
	})
}

func bindFeed(p *params, c *app.RequestContext) *video.FeedRequest {
	return &video.FeedRequest{ViewerId: auth.UserID(c), LatestTime: apitime.Millis(p.Int64("latest_time", 0))}
}
