package service

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/idlist"
)

// assemble turns ids into Videos as viewer sees them, in the order of ids,
// with one batch read of rows, then one of authors and one of is_favorite
// at the same time, however many ids there are. Unknown ids are left out.
func (s *Service) assemble(ctx context.Context, viewer int64, ids []int64) ([]*base.Video, error) {
	videos, _, err := s.assembleWithAuthors(ctx, viewer, ids, withLikes)
	return videos, err
}

// likes says whether assembling asks the interaction service for the
// viewer's likes (is_favorite), or leaves them false for a caller that
// owns them.
type likes bool

const (
	withLikes    likes = true
	withoutLikes likes = false
)

// assembleWithAuthors is assemble, also returning the authors it found.
func (s *Service) assembleWithAuthors(ctx context.Context, viewer int64, ids []int64, l likes) ([]*base.Video, map[int64]*base.User, error) {
	ids = idlist.UniquePositive(ids)
	if len(ids) == 0 {
		return []*base.Video{}, nil, nil
	}
	rows, err := s.Videos.ByIDs(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	authorIDs := make([]int64, 0, len(rows))
	for _, v := range rows {
		authorIDs = append(authorIDs, v.AuthorID)
	}
	// The authors and the viewer's likes come from two services: ask both
	// at once.
	var (
		authors map[int64]*base.User
		liked   = map[int64]bool{}
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		authors, err = s.Users.MGetUsers(gctx, viewer, idlist.UniquePositive(authorIDs))
		return err
	})
	if viewer != 0 && l == withLikes {
		g.Go(func() (err error) {
			liked, err = s.Favorites.MIsFavorite(gctx, viewer, ids)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	out := make([]*base.Video, 0, len(ids))
	for _, id := range ids {
		v, ok := rows[id]
		if !ok {
			continue
		}
		out = append(out, s.pack(v, authors[v.AuthorID], liked[id]))
	}
	return out, authors, nil
}

func (s *Service) pack(v dal.Video, author *base.User, liked bool) *base.Video {
	if author == nil {
		// An author's profile missing (split databases out of sync) must
		// not hide the video; show the id alone.
		author = &base.User{Id: v.AuthorID}
	}
	return &base.Video{
		Id:            v.ID,
		Author:        author,
		PlayUrl:       s.opts.MediaBaseURL + v.PlayKey,
		CoverUrl:      s.opts.MediaBaseURL + v.CoverKey,
		FavoriteCount: v.FavoriteCount,
		CommentCount:  v.CommentCount,
		IsFavorite:    liked,
		Title:         v.Title,
	}
}
