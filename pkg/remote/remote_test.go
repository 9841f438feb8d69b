package remote

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/cloudwego/kitex/client/callopt"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/kitex_gen/interaction"
	"github.com/douyin-go/douyin/kitex_gen/interaction/interactionservice"
	"github.com/douyin-go/douyin/kitex_gen/message"
	"github.com/douyin-go/douyin/kitex_gen/message/messageservice"
	"github.com/douyin-go/douyin/kitex_gen/user"
	"github.com/douyin-go/douyin/kitex_gen/user/userservice"
	"github.com/douyin-go/douyin/kitex_gen/video"
	"github.com/douyin-go/douyin/kitex_gen/video/videoservice"
	"github.com/douyin-go/douyin/pkg/errno"
)

// The fake clients embed the client interface (nil) and implement only
// the method under test: any other call panics.

type fakeUserClient struct {
	userservice.Client
	resp  *user.MGetUsersResponse
	err   error
	calls []*user.MGetUsersRequest
}

func (f *fakeUserClient) MGetUsers(_ context.Context, req *user.MGetUsersRequest, _ ...callopt.Option) (*user.MGetUsersResponse, error) {
	f.calls = append(f.calls, req)
	return f.resp, f.err
}

type fakeInteractionClient struct {
	interactionservice.Client
	resp  *interaction.MIsFavoriteResponse
	err   error
	calls []*interaction.MIsFavoriteRequest
}

func (f *fakeInteractionClient) MIsFavorite(_ context.Context, req *interaction.MIsFavoriteRequest, _ ...callopt.Option) (*interaction.MIsFavoriteResponse, error) {
	f.calls = append(f.calls, req)
	return f.resp, f.err
}

type fakeVideoClient struct {
	videoservice.Client
	authors     *video.VideoAuthorsResponse
	videos      *video.MGetVideosResponse
	err         error
	authorCalls []*video.VideoAuthorsRequest
	videoCalls  []*video.MGetVideosRequest
}

func (f *fakeVideoClient) VideoAuthors(_ context.Context, req *video.VideoAuthorsRequest, _ ...callopt.Option) (*video.VideoAuthorsResponse, error) {
	f.authorCalls = append(f.authorCalls, req)
	return f.authors, f.err
}

func (f *fakeVideoClient) MGetVideos(_ context.Context, req *video.MGetVideosRequest, _ ...callopt.Option) (*video.MGetVideosResponse, error) {
	f.videoCalls = append(f.videoCalls, req)
	return f.videos, f.err
}

var (
	okResp      = &base.BaseResp{StatusCode: 0, StatusMsg: "success"}
	notFound    = &base.BaseResp{StatusCode: errno.UserNotExist.Code, StatusMsg: errno.UserNotExist.Msg}
	errDown     = errors.New("connection refused")
	ctxDontCare = context.Background()
)

func wantCode(t *testing.T, err error, code int32) {
	t.Helper()
	if got := errno.Convert(err).Code; err == nil || got != code {
		t.Fatalf("err = %v (code %d), want code %d", err, got, code)
	}
}

// wantCodeOf calls an adapter whose client returns no response (as a Kitex
// client does on any transport error) and wants code back, not a panic:
// the generated GetBaseResp getters are not nil-safe.
func wantCodeOf(t *testing.T, name string, call func() error, code int32) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		var err error
		panicked := func() (p any) {
			defer func() { p = recover() }()
			err = call()
			return nil
		}()
		if panicked != nil {
			t.Fatalf("adapter panicked on a nil response (%v); want code %d", panicked, code)
		}
		wantCode(t, err, code)
	})
}

func TestUsersAdapter(t *testing.T) {
	users := map[int64]*base.User{1: {Id: 1, Name: "a"}}

	f := &fakeUserClient{resp: &user.MGetUsersResponse{BaseResp: okResp, Users: users}}
	got, err := Users{Client: f}.MGetUsers(ctxDontCare, 9, []int64{1, 2})
	if err != nil || !reflect.DeepEqual(got, users) {
		t.Fatalf("MGetUsers = %v, %v", got, err)
	}
	if len(f.calls) != 1 || f.calls[0].ViewerId != 9 || !reflect.DeepEqual(f.calls[0].UserIds, []int64{1, 2}) {
		t.Fatalf("calls %+v", f.calls)
	}

	f = &fakeUserClient{}
	got, err = Users{Client: f}.MGetUsers(ctxDontCare, 9, nil)
	if err != nil || got == nil || len(got) != 0 || len(f.calls) != 0 {
		t.Fatalf("no ids: %v, %v after %d calls; want an empty map and no RPC", got, err, len(f.calls))
	}

	_, err = Users{Client: &fakeUserClient{resp: &user.MGetUsersResponse{BaseResp: notFound}}}.MGetUsers(ctxDontCare, 9, []int64{1})
	wantCode(t, err, errno.UserNotExist.Code)
	_, err = Users{Client: &fakeUserClient{resp: &user.MGetUsersResponse{}}}.MGetUsers(ctxDontCare, 9, []int64{1})
	wantCode(t, err, errno.ServiceErr.Code)
	wantCodeOf(t, "service down", func() error {
		_, err := Users{Client: &fakeUserClient{err: errDown}}.MGetUsers(ctxDontCare, 9, []int64{1})
		return err
	}, errno.ServiceUnavail.Code)
	wantCodeOf(t, "no response", func() error {
		_, err := Users{Client: &fakeUserClient{}}.MGetUsers(ctxDontCare, 9, []int64{1})
		return err
	}, errno.ServiceErr.Code)
}

func TestFavoritesAdapter(t *testing.T) {
	liked := map[int64]bool{5: true}
	f := &fakeInteractionClient{resp: &interaction.MIsFavoriteResponse{BaseResp: okResp, IsFavorite: liked}}
	got, err := Favorites{Client: f}.MIsFavorite(ctxDontCare, 3, []int64{5, 6})
	if err != nil || !reflect.DeepEqual(got, liked) {
		t.Fatalf("MIsFavorite = %v, %v", got, err)
	}
	if len(f.calls) != 1 || f.calls[0].UserId != 3 || !reflect.DeepEqual(f.calls[0].VideoIds, []int64{5, 6}) {
		t.Fatalf("calls %+v", f.calls)
	}
	for _, tt := range []struct {
		user int64
		ids  []int64
	}{{0, []int64{5}}, {3, nil}} {
		f := &fakeInteractionClient{}
		got, err := Favorites{Client: f}.MIsFavorite(ctxDontCare, tt.user, tt.ids)
		if err != nil || got == nil || len(got) != 0 || len(f.calls) != 0 {
			t.Fatalf("user %d ids %v: %v, %v after %d calls; want an empty map and no RPC", tt.user, tt.ids, got, err, len(f.calls))
		}
	}
	wantCodeOf(t, "service down", func() error {
		_, err := Favorites{Client: &fakeInteractionClient{err: errDown}}.MIsFavorite(ctxDontCare, 3, []int64{5})
		return err
	}, errno.ServiceUnavail.Code)
}

func TestVideosAdapter(t *testing.T) {
	authors := map[int64]int64{10: 1}
	vids := []*base.Video{{Id: 11}, {Id: 10}}
	f := &fakeVideoClient{
		authors: &video.VideoAuthorsResponse{BaseResp: okResp, AuthorIds: authors},
		videos:  &video.MGetVideosResponse{BaseResp: okResp, Videos: vids},
	}
	v := Videos{Client: f}
	gotAuthors, err := v.VideoAuthors(ctxDontCare, []int64{10, 99})
	if err != nil || !reflect.DeepEqual(gotAuthors, authors) {
		t.Fatalf("VideoAuthors = %v, %v", gotAuthors, err)
	}
	gotVideos, err := v.MGetVideosWithoutLikes(ctxDontCare, 4, []int64{11, 10})
	if err != nil || !reflect.DeepEqual(gotVideos, vids) {
		t.Fatalf("MGetVideosWithoutLikes = %v, %v", gotVideos, err)
	}
	if len(f.videoCalls) != 1 || f.videoCalls[0].ViewerId != 4 || !reflect.DeepEqual(f.videoCalls[0].VideoIds, []int64{11, 10}) ||
		!f.videoCalls[0].WithoutIsFavorite {
		t.Fatalf("calls %+v", f.videoCalls)
	}
	empty, err := v.MGetVideosWithoutLikes(ctxDontCare, 4, nil)
	if err != nil || empty == nil || len(empty) != 0 || len(f.videoCalls) != 1 {
		t.Fatalf("no ids: %v, %v; want an empty list and no RPC", empty, err)
	}

	down := Videos{Client: &fakeVideoClient{err: errDown}}
	wantCodeOf(t, "authors, service down", func() error { _, err := down.VideoAuthors(ctxDontCare, []int64{10}); return err }, errno.ServiceUnavail.Code)
	wantCodeOf(t, "videos, service down", func() error { _, err := down.MGetVideosWithoutLikes(ctxDontCare, 4, []int64{10}); return err }, errno.ServiceUnavail.Code)
	missing := Videos{Client: &fakeVideoClient{videos: &video.MGetVideosResponse{BaseResp: &base.BaseResp{StatusCode: errno.VideoNotExist.Code, StatusMsg: "video not found"}}}}
	_, err = missing.MGetVideosWithoutLikes(ctxDontCare, 4, []int64{10})
	wantCode(t, err, errno.VideoNotExist.Code)
}

func TestRequireUser(t *testing.T) {
	users := fakeUserGetter{7: {Id: 7}}
	tests := []struct {
		name string
		id   int64
		want error
	}{
		{"existing user", 7, nil},
		{"unknown user", 8, errno.UserNotExist},
		{"not an id", 0, errno.ParamErr},
		{"negative", -1, errno.ParamErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := RequireUser(context.Background(), users, 0, tt.id)
			if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("RequireUser(%d) = %v, want %v", tt.id, err, tt.want)
			}
		})
	}
}

type fakeUserGetter map[int64]*base.User

func (f fakeUserGetter) MGetUsers(_ context.Context, _ int64, ids []int64) (map[int64]*base.User, error) {
	out := map[int64]*base.User{}
	for _, id := range ids {
		if u, ok := f[id]; ok {
			out[id] = u
		}
	}
	return out, nil
}

type fakeMessageClient struct {
	messageservice.Client
	resp  *message.ChatResponse
	err   error
	calls []*message.ChatRequest
}

func (f *fakeMessageClient) Chat(_ context.Context, req *message.ChatRequest, _ ...callopt.Option) (*message.ChatResponse, error) {
	f.calls = append(f.calls, req)
	return f.resp, f.err
}

func TestMessagesChat(t *testing.T) {
	msgs := []*base.Message{{Id: 1, FromUserId: 2, ToUserId: 3, Content: "hi", CreateTime: 5}}
	c := &fakeMessageClient{resp: &message.ChatResponse{BaseResp: okResp, Messages: msgs}}
	got, err := Messages{Client: c}.Chat(ctxDontCare, 2, 3, 4)
	if err != nil || !reflect.DeepEqual(got, msgs) {
		t.Fatalf("Chat = %v, %v", got, err)
	}
	if want := []*message.ChatRequest{{UserId: 2, ToUserId: 3, PreMsgTime: 4}}; !reflect.DeepEqual(c.calls, want) {
		t.Fatalf("asked %v, want %v", c.calls, want)
	}
	_, err = Messages{Client: &fakeMessageClient{resp: &message.ChatResponse{BaseResp: notFound}}}.Chat(ctxDontCare, 2, 3, 0)
	wantCode(t, err, errno.UserNotExist.Code)
	_, err = Messages{Client: &fakeMessageClient{err: errDown}}.Chat(ctxDontCare, 2, 3, 0)
	if err == nil {
		t.Fatal("a failed RPC is not an error")
	}
}
