package service

import (
	"context"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/idlist"
)

// CommentList lists the comments on video, newest first, each with its
// author as viewer sees them: one video-service call, one query and one
// user-service call, whatever the number of comments.
func (s *Service) CommentList(ctx context.Context, viewer, video int64) ([]*base.Comment, error) {
	if _, err := s.authorOf(ctx, video); err != nil {
		return nil, err
	}
	rows, err := s.Comments.OfVideo(ctx, video)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return []*base.Comment{}, nil
	}
	authorIDs := make([]int64, len(rows))
	for i, c := range rows {
		authorIDs[i] = c.UserID
	}
	authors, err := s.Users.MGetUsers(ctx, viewer, idlist.UniquePositive(authorIDs))
	if err != nil {
		return nil, err
	}
	out := make([]*base.Comment, 0, len(rows))
	for _, c := range rows {
		// A comment whose author is gone is left out rather than shown
		// with a null user the client cannot render.
		if u, ok := authors[c.UserID]; ok && u != nil {
			out = append(out, s.pack(c, u))
		}
	}
	return out, nil
}
