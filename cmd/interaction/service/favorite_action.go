package service

import (
	"context"

	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/events"
)

// Favorite actions.
const (
	ActionLike   = 1
	ActionUnlike = 2
)

// FavoriteAction makes user like (1) or unlike (2) video. Both are
// idempotent: liking twice counts once, unliking what is not liked changes
// nothing. It returns once the video and user counters include the change
// (or CounterWait passed), so counts read right after show it.
func (s *Service) FavoriteAction(ctx context.Context, user, video int64, action int32) error {
	if action != ActionLike && action != ActionUnlike {
		return errno.BadActionType.WithMessage("action_type must be 1 (like) or 2 (unlike)")
	}
	if err := checkActor(user); err != nil {
		return err
	}
	author, err := s.authorOf(ctx, video)
	if err != nil {
		return err
	}
	var ids []string
	if action == ActionLike {
		ids, err = s.Favorites.Like(ctx, user, video, author, s.Clock())
	} else {
		ids, err = s.Favorites.Unlike(ctx, user, video, author)
	}
	if err != nil {
		return err
	}
	s.Applied.Wait(ctx, s.opts.CounterWait, ids, events.CountedBy(events.TopicFavorite)...)
	return nil
}
