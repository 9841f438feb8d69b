package handler_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/douyin-go/douyin/cmd/video/dal"
	"github.com/douyin-go/douyin/cmd/video/handler"
	"github.com/douyin-go/douyin/cmd/video/media"
	"github.com/douyin-go/douyin/cmd/video/service"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/video"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/paging"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// The handler only converts: requests to use-case calls, results and
// errors to responses with a BaseResp, never a transport error.

// world is every dependency of the service at once, over a few videos.
type world struct {
	videos map[int64]dal.Video
	err    error // every call fails with err when set
}

func (w *world) Create(context.Context, *dal.Video) ([]string, error) { return nil, w.err }

func (w *world) ByIDs(_ context.Context, ids []int64) (map[int64]dal.Video, error) {
	if w.err != nil {
		return nil, w.err
	}
	out := map[int64]dal.Video{}
	for _, id := range ids {
		if v, ok := w.videos[id]; ok {
			out[id] = v
		}
	}
	return out, nil
}

func (w *world) Before(_ context.Context, ms int64, limit int) ([]dal.Stamp, error) {
	if w.err != nil {
		return nil, w.err
	}
	var out []dal.Stamp
	for _, id := range []int64{2, 1} { // newest first
		if v := w.videos[id]; v.PublishedAt < ms && len(out) < limit {
			out = append(out, dal.Stamp{ID: id, PublishedAt: v.PublishedAt})
		}
	}
	return out, nil
}

func (w *world) ByAuthor(_ context.Context, author int64, _ paging.Pos, _ int) ([]paging.Pos, error) {
	if author == 1 {
		return []paging.Pos{{At: 2000, ID: 2}, {At: 1000, ID: 1}}, w.err
	}
	return nil, w.err
}

func (w *world) PutFile(context.Context, string, string, string) error       { return w.err }
func (w *world) Delete(context.Context, ...string) error                     { return nil }
func (w *world) Download(context.Context, string, string) error              { return errors.New("no upload") }
func (w *world) DeleteOlder(context.Context, string, time.Time) (int, error) { return 0, nil }
func (w *world) Probe(context.Context, string) (media.Info, error)           { return media.Info{}, nil }
func (w *world) Cover(context.Context, string, string) error                 { return nil }

func (w *world) MGetUsers(_ context.Context, _ int64, ids []int64) (map[int64]*base.User, error) {
	if w.err != nil {
		return nil, w.err
	}
	out := map[int64]*base.User{}
	for _, id := range ids {
		if id == 1 {
			out[id] = &base.User{Id: 1, Name: "author"}
		}
	}
	return out, nil
}

func (w *world) MIsFavorite(_ context.Context, user int64, _ []int64) (map[int64]bool, error) {
	return map[int64]bool{1: user == 9}, w.err
}

func (w *world) Wait(context.Context, time.Duration, []string, ...string) bool { return true }

func newHandler(err error) *handler.Handler {
	w := &world{err: err, videos: map[int64]dal.Video{
		1: {ID: 1, AuthorID: 1, Title: "one", PlayKey: "videos/1.mp4", CoverKey: "covers/1.jpg", PublishedAt: 1000},
		2: {ID: 2, AuthorID: 1, Title: "two", PlayKey: "videos/2.mp4", CoverKey: "covers/2.jpg", PublishedAt: 2000},
	}}
	return handler.New(service.New(service.Deps{Videos: w, Objects: w, Prober: w, Users: w, Favorites: w, Applied: w},
		service.Options{MediaBaseURL: "http://m/media/"}), testutil.QuietLog())
}

func wantResp(t *testing.T, got *base.BaseResp, want errno.ErrNo) {
	t.Helper()
	if got == nil || got.StatusCode != want.Code || got.StatusMsg == "" {
		t.Fatalf("BaseResp %+v, want code %d with a message", got, want.Code)
	}
}

func TestHandlerConverts(t *testing.T) {
	ctx := context.Background()
	h := newHandler(nil)

	feed, err := h.Feed(ctx, &video.FeedRequest{ViewerId: 9, LatestTime: 5000})
	if err != nil {
		t.Fatal(err)
	}
	wantResp(t, feed.BaseResp, errno.Success)
	if len(feed.Videos) != 2 || feed.Videos[0].Id != 2 || feed.NextTime != 1000 || !feed.Videos[1].IsFavorite ||
		feed.Videos[0].PlayUrl != "http://m/media/videos/2.mp4" || feed.Videos[0].Author.Name != "author" {
		t.Fatalf("Feed = %+v", feed)
	}

	list, err := h.PublishList(ctx, &video.PublishListRequest{ViewerId: 0, UserId: 1})
	if err != nil {
		t.Fatal(err)
	}
	wantResp(t, list.BaseResp, errno.Success)
	if len(list.Videos) != 2 || list.Videos[0].Id != 2 || list.Videos[1].IsFavorite {
		t.Fatalf("PublishList = %+v", list.Videos)
	}

	mget, err := h.MGetVideos(ctx, &video.MGetVideosRequest{ViewerId: 9, VideoIds: []int64{1, 404, 2}})
	if err != nil {
		t.Fatal(err)
	}
	wantResp(t, mget.BaseResp, errno.Success)
	if len(mget.Videos) != 2 || mget.Videos[0].Id != 1 || mget.Videos[1].Id != 2 || !mget.Videos[0].IsFavorite {
		t.Fatalf("MGetVideos = %+v", mget.Videos)
	}
	bare, err := h.MGetVideos(ctx, &video.MGetVideosRequest{ViewerId: 9, VideoIds: []int64{1}, WithoutIsFavorite: true})
	if err != nil || len(bare.Videos) != 1 || bare.Videos[0].IsFavorite {
		t.Fatalf("MGetVideos without is_favorite = %+v, %v", bare.Videos, err)
	}

	authors, err := h.VideoAuthors(ctx, &video.VideoAuthorsRequest{VideoIds: []int64{1, 2, 404}})
	if err != nil {
		t.Fatal(err)
	}
	wantResp(t, authors.BaseResp, errno.Success)
	if !reflect.DeepEqual(authors.AuthorIds, map[int64]int64{1: 1, 2: 1}) {
		t.Fatalf("VideoAuthors = %v", authors.AuthorIds)
	}
}

func TestHandlerErrors(t *testing.T) {
	ctx := context.Background()
	secret := errors.New("dial tcp 10.0.0.5:3306: connection refused")
	tests := []struct {
		name string
		call func(h *handler.Handler) (*base.BaseResp, error)
		down bool
		want errno.ErrNo
	}{
		{"publish without title", func(h *handler.Handler) (*base.BaseResp, error) {
			r, err := h.Publish(ctx, &video.PublishRequest{AuthorId: 1, Title: " ", UploadKey: "uploads/x"})
			return r.GetBaseResp(), err
		}, false, errno.ParamErr},
		{"publish without upload", func(h *handler.Handler) (*base.BaseResp, error) {
			r, err := h.Publish(ctx, &video.PublishRequest{AuthorId: 1, Title: "t"})
			return r.GetBaseResp(), err
		}, false, errno.ParamErr},
		{"publish list of nobody", func(h *handler.Handler) (*base.BaseResp, error) {
			r, err := h.PublishList(ctx, &video.PublishListRequest{UserId: 404})
			return r.GetBaseResp(), err
		}, false, errno.UserNotExist},
		{"feed with the database down", func(h *handler.Handler) (*base.BaseResp, error) {
			r, err := h.Feed(ctx, &video.FeedRequest{})
			return r.GetBaseResp(), err
		}, true, errno.ServiceErr},
		{"mget with the database down", func(h *handler.Handler) (*base.BaseResp, error) {
			r, err := h.MGetVideos(ctx, &video.MGetVideosRequest{VideoIds: []int64{1}})
			return r.GetBaseResp(), err
		}, true, errno.ServiceErr},
		{"authors with the database down", func(h *handler.Handler) (*base.BaseResp, error) {
			r, err := h.VideoAuthors(ctx, &video.VideoAuthorsRequest{VideoIds: []int64{1}})
			return r.GetBaseResp(), err
		}, true, errno.ServiceErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.down {
				err = secret
			}
			resp, callErr := tt.call(newHandler(err))
			if callErr != nil {
				t.Fatalf("transport error %v; business errors travel in BaseResp", callErr)
			}
			wantResp(t, resp, tt.want)
			if tt.down && resp.StatusMsg != errno.ServiceErr.Msg {
				t.Fatalf("status_msg %q leaks internals", resp.StatusMsg)
			}
		})
	}
}
