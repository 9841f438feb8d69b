// Package consumer keeps the user counters: it applies follow, favorite and
// publish events to users and drops their cached copies after each commit.
package consumer

import (
	"context"
	"log/slog"

	"gorm.io/gorm"

	"github.com/douyin-go/douyin/cmd/user/dal"
	"github.com/douyin-go/douyin/pkg/eventbus"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/idlist"
)

// Group is the consumer group of the user counters.
const Group = events.GroupUserCounters

// New builds the user-counter consumer.
func New(gdb *gorm.DB, users eventbus.Invalidator, applied *eventbus.Applied, log *slog.Logger) *eventbus.Consumer {
	var counters dal.CounterUpdates
	forget := eventbus.Forget(users, "users", log)
	return eventbus.NewConsumer(Group, gdb, applied, log,
		eventbus.On(events.TopicFollow,
			func(_ context.Context, tx *gorm.DB, ev events.Followed) error {
				return counters.AddFollow(tx, ev.FollowerID, ev.FolloweeID, ev.Delta)
			},
			func(ctx context.Context, evs []events.Followed) {
				forget(ctx, idlist.Collect(evs, func(ev events.Followed) []int64 { return []int64{ev.FollowerID, ev.FolloweeID} })...)
			}),
		eventbus.On(events.TopicFavorite,
			func(_ context.Context, tx *gorm.DB, ev events.Favorited) error {
				return counters.AddFavorite(tx, ev.UserID, ev.AuthorID, ev.Delta)
			},
			func(ctx context.Context, evs []events.Favorited) {
				forget(ctx, idlist.Collect(evs, func(ev events.Favorited) []int64 { return []int64{ev.UserID, ev.AuthorID} })...)
			}),
		eventbus.On(events.TopicPublish,
			func(_ context.Context, tx *gorm.DB, ev events.Published) error {
				return counters.AddWork(tx, ev.AuthorID, ev.Delta)
			},
			func(ctx context.Context, evs []events.Published) {
				forget(ctx, idlist.Collect(evs, func(ev events.Published) []int64 { return []int64{ev.AuthorID} })...)
			}),
	)
}
