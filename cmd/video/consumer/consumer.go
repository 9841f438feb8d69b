// Package consumer keeps the video counters: it applies favorite and
// comment events to videos and drops their cached copies after each commit.
package consumer

import (
	"context"
	"log/slog"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/idlist"
)

// New builds the video-counter consumer.
func New(gdb *gorm.DB, videos eventbus.Invalidator, applied *eventbus.Applied, log *slog.Logger) *eventbus.Consumer {
	var counters dal.CounterUpdates
	forget := eventbus.Forget(videos, "videos", log)
	return eventbus.NewConsumer(events.GroupVideoCounters, gdb, applied, log,
		eventbus.On(events.TopicFavorite,
			func(_ context.Context, tx *gorm.DB, ev events.Favorited) error {
				return counters.AddFavorite(tx, ev.VideoID, ev.Delta)
			},
			func(ctx context.Context, evs []events.Favorited) {
				forget(ctx, idlist.Collect(evs, func(ev events.Favorited) []int64 { return []int64{ev.VideoID} })...)
			}),
		eventbus.On(events.TopicComment,
			func(_ context.Context, tx *gorm.DB, ev events.Commented) error {
				return counters.AddComment(tx, ev.VideoID, ev.Delta)
			},
			func(ctx context.Context, evs []events.Commented) {
				forget(ctx, idlist.Collect(evs, func(ev events.Commented) []int64 { return []int64{ev.VideoID} })...)
			}),
	)
}
