package service

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/douyin-go/douyin/cmd/interaction/dal"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/textrule"
)

// Comment actions.
const (
	ActionPost   = 1
	ActionDelete = 2
)

// CommentAction posts (1) a comment of user on video and returns it, or
// deletes (2) user's comment commentID on video and returns nil. Request
// parameters are checked first, then that the video exists, then the
// comment itself.
func (s *Service) CommentAction(ctx context.Context, user, video int64, action int32, text string, commentID int64) (*base.Comment, error) {
	switch action {
	case ActionPost:
		content, err := commentContent(text)
		if err != nil {
			return nil, err
		}
		content = s.opts.Words.Mask(content)
		if err := checkActor(user); err != nil {
			return nil, err
		}
		if _, err := s.authorOf(ctx, video); err != nil {
			return nil, err
		}
		return s.postComment(ctx, user, video, content)
	case ActionDelete:
		if commentID <= 0 {
			return nil, errno.ParamErr.WithMessage("comment_id must be a positive integer")
		}
		if err := checkActor(user); err != nil {
			return nil, err
		}
		if _, err := s.authorOf(ctx, video); err != nil {
			return nil, err
		}
		return nil, s.deleteComment(ctx, user, video, commentID)
	default:
		return nil, errno.BadActionType.WithMessage("action_type must be 1 (post) or 2 (delete)")
	}
}

// commentContent is text without leading and trailing whitespace, which
// must leave 1 to 500 characters.
func commentContent(text string) (string, error) {
	content := strings.TrimSpace(text)
	switch {
	case content == "":
		return "", errno.ParamErr.WithMessage("comment_text must not be empty")
	case utf8.RuneCountInString(content) > dal.MaxCommentRunes:
		return "", errno.ParamErr.WithMessagef("comment_text must be at most %d characters", dal.MaxCommentRunes)
	}
	return content, textrule.Text("comment_text", content, true)
}

// postComment stores the comment and returns it with its author as the
// author sees themself. It returns once the video's comment_count includes
// it (or CounterWait passed).
func (s *Service) postComment(ctx context.Context, user, video int64, content string) (*base.Comment, error) {
	// The author is looked up before the insert, so a token of a user that
	// no longer exists leaves no comment behind.
	found, err := s.Users.MGetUsers(ctx, user, []int64{user})
	if err != nil {
		return nil, err
	}
	author, ok := found[user]
	if !ok || author == nil {
		return nil, errno.TokenInvalid.WithMessage("the token's user no longer exists")
	}
	c := &dal.Comment{VideoID: video, UserID: user, Content: content, CreatedAt: s.Clock()}
	ids, err := s.Comments.Create(ctx, c)
	if err != nil {
		return nil, err
	}
	s.Applied.Wait(ctx, s.opts.CounterWait, ids, events.CountedBy(events.TopicComment)...)
	return s.pack(*c, author), nil
}

// deleteComment removes comment id if it is user's and on video. Deleting
// someone else's comment is an error and changes nothing.
func (s *Service) deleteComment(ctx context.Context, user, video, id int64) error {
	c, err := s.Comments.ByID(ctx, id)
	switch {
	case errors.Is(err, dal.ErrNotFound):
		return errno.CommentNotExist
	case err != nil:
		return err
	case c.VideoID != video:
		return errno.CommentNotExist
	case c.UserID != user:
		return errno.CommentNotOwner
	}
	ids, err := s.Comments.Delete(ctx, id, user, video)
	if err != nil {
		return err
	}
	s.Applied.Wait(ctx, s.opts.CounterWait, ids, events.CountedBy(events.TopicComment)...)
	return nil
}

// pack is c as the API shows it; create_date is MM-DD in the configured
// time zone.
func (s *Service) pack(c dal.Comment, author *base.User) *base.Comment {
	return &base.Comment{
		Id:         c.ID,
		User:       author,
		Content:    c.Content,
		CreateDate: c.CreatedAt.In(s.opts.Location).Format("01-02"),
	}
}
