package service

import (
	"context"

	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/events"
)

// Follow actions.
const (
	ActionFollow   = 1
	ActionUnfollow = 2
)

// Follow makes user follow (1) or unfollow (2) target. Both are idempotent.
// It returns once the counters include the change (or CounterWait passed),
// so a profile read right after shows it.
func (s *Service) Follow(ctx context.Context, user, target int64, action int32) error {
	if action != ActionFollow && action != ActionUnfollow {
		return errno.BadActionType.WithMessage("action_type must be 1 (follow) or 2 (unfollow)")
	}
	if target <= 0 {
		return errno.ParamErr.WithMessage("to_user_id must be a positive integer")
	}
	if user == target {
		return errno.FollowSelf
	}
	found, err := s.Users.ByIDs(ctx, []int64{user, target})
	if err != nil {
		return err
	}
	if _, ok := found[target]; !ok {
		return errno.UserNotExist.WithMessage("the user to follow does not exist")
	}
	if _, ok := found[user]; !ok {
		return errno.TokenInvalid.WithMessage("the token's user no longer exists")
	}
	var ids []string
	if action == ActionFollow {
		ids, err = s.Relations.Follow(ctx, user, target, s.Clock().UTC())
	} else {
		ids, err = s.Relations.Unfollow(ctx, user, target)
	}
	if err != nil {
		return err
	}
	s.Applied.Wait(ctx, s.opts.CounterWait, ids, events.CountedBy(events.TopicFollow)...)
	return nil
}
