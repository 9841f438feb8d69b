package service

import (
	"context"

	"github.com/douyin-go/douyin/cmd/interaction/dal"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/idlist"
	"github.com/douyin-go/douyin/pkg/paging"
)

// CommentList lists one page of the comments on video, newest first,
// each with its author as viewer sees them: one video-service call, one
// query and one user-service call, whatever the page's size.
func (s *Service) CommentList(ctx context.Context, viewer, video int64, page *base.Page) ([]*base.Comment, *base.PageInfo, error) {
	if _, err := s.authorOf(ctx, video); err != nil {
		return nil, nil, err
	}
	rows, info, err := paging.Fetch(page, func(after paging.Pos, limit int) ([]dal.Comment, error) {
		return s.Comments.OfVideo(ctx, video, after, limit)
	}, func(c dal.Comment) paging.Pos { return paging.Pos{ID: c.ID} })
	if err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 {
		return []*base.Comment{}, info, nil
	}
	authorIDs := make([]int64, len(rows))
	for i, c := range rows {
		authorIDs[i] = c.UserID
	}
	authors, err := s.Users.MGetUsers(ctx, viewer, idlist.UniquePositive(authorIDs))
	if err != nil {
		return nil, nil, err
	}
	out := make([]*base.Comment, 0, len(rows))
	for _, c := range rows {
		// A comment whose author is gone is left out rather than shown
		// with a null user the client cannot render.
		if u, ok := authors[c.UserID]; ok && u != nil {
			out = append(out, s.pack(c, u))
		}
	}
	return out, info, nil
}
