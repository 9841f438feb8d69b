package service_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/douyin-go/douyin/cmd/interaction/dal"
	"github.com/douyin-go/douyin/cmd/interaction/service"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/moderation"
	"github.com/douyin-go/douyin/pkg/paging"
	"github.com/douyin-go/douyin/pkg/testutil/fakes"
)

// world is a service built on in-memory fakes, with every call recorded.
type world struct {
	favorites *fakeFavorites
	comments  *fakeComments
	videos    *fakeVideos
	users     *fakes.Users
	waiter    *fakes.Waiter
	svc       *service.Service
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// clock is the fixed time of new comments: 31 March in UTC, already
// 1 April in Shanghai.
var clock = time.Date(2024, 3, 31, 16, 30, 0, 0, time.UTC)

func newWorld() *world {
	w := &world{
		favorites: &fakeFavorites{likes: map[like]int{}},
		comments:  &fakeComments{rows: map[int64]dal.Comment{}},
		videos:    &fakeVideos{authors: map[int64]int64{}, videos: map[int64]*base.Video{}},
		users:     fakes.NewUsers(),
		waiter:    &fakes.Waiter{},
	}
	w.svc = service.New(service.Deps{
		Favorites: w.favorites, Comments: w.comments, Videos: w.videos, Users: w.users, Applied: w.waiter,
		Clock: func() time.Time { return clock },
	}, service.Options{Location: shanghai, CounterWait: 3 * time.Second, Words: moderation.BuiltIn()})
	return w
}

type like struct{ user, video int64 }

// fakeFavorites is an in-memory FavoriteStore that, like dal.Favorites,
// returns event ids only when a like changed and lists newest first.
type fakeFavorites struct {
	mu     sync.Mutex
	likes  map[like]int // like -> sequence number of its creation
	seq    int
	events []string
	// changes records (user, video, author, delta) of every Like/Unlike.
	changes []change
	// isFavoriteCalls and likedCalls count the read queries.
	isFavoriteCalls, likedCalls int

	changeErr, readErr error
}

type change struct{ user, video, author, delta int64 }

func (f *fakeFavorites) newEvent() []string {
	id := fmt.Sprintf("fav-%d", len(f.events)+1)
	f.events = append(f.events, id)
	return []string{id}
}

func (f *fakeFavorites) Like(_ context.Context, user, video, author int64, _ time.Time) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.changes = append(f.changes, change{user, video, author, 1})
	if f.changeErr != nil {
		return nil, f.changeErr
	}
	if _, ok := f.likes[like{user, video}]; ok {
		return nil, nil
	}
	f.seq++
	f.likes[like{user, video}] = f.seq
	return f.newEvent(), nil
}

func (f *fakeFavorites) Unlike(_ context.Context, user, video, author int64) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.changes = append(f.changes, change{user, video, author, -1})
	if f.changeErr != nil {
		return nil, f.changeErr
	}
	if _, ok := f.likes[like{user, video}]; !ok {
		return nil, nil
	}
	delete(f.likes, like{user, video})
	return f.newEvent(), nil
}

func (f *fakeFavorites) IsFavorite(_ context.Context, user int64, videos []int64) (map[int64]bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.isFavoriteCalls++
	if f.readErr != nil {
		return nil, f.readErr
	}
	out := map[int64]bool{}
	for _, v := range videos {
		if _, ok := f.likes[like{user, v}]; ok {
			out[v] = true
		}
	}
	return out, nil
}

func (f *fakeFavorites) LikedVideos(_ context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.likedCalls++
	if f.readErr != nil {
		return nil, f.readErr
	}
	var mine []like
	for l := range f.likes {
		if l.user == user {
			mine = append(mine, l)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return f.likes[mine[i]] > f.likes[mine[j]] })
	out := []paging.Pos{}
	for _, l := range mine {
		at := int64(f.likes[l])
		if (after.IsStart() || at < after.At) && len(out) < limit {
			out = append(out, paging.Pos{At: at, ID: l.video})
		}
	}
	return out, nil
}

// add stores likes of user directly, oldest first.
func (f *fakeFavorites) add(user int64, videos ...int64) {
	for _, v := range videos {
		f.seq++
		f.likes[like{user, v}] = f.seq
	}
}

// fakeComments is an in-memory CommentStore.
type fakeComments struct {
	mu      sync.Mutex
	rows    map[int64]dal.Comment
	next    int64
	events  int
	deletes [][3]int64 // (id, user, video) of every Delete
	// byIDCalls and listCalls count the read queries.
	byIDCalls, listCalls int
	// vanish makes Delete find nothing, as if a concurrent delete won.
	vanish bool

	createErr, byIDErr, deleteErr, listErr error
}

func (f *fakeComments) Create(_ context.Context, c *dal.Comment) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.createErr != nil {
		return nil, f.createErr
	}
	f.next++
	c.ID = f.next
	f.rows[c.ID] = *c
	f.events++
	return []string{fmt.Sprintf("com-%d", f.events)}, nil
}

func (f *fakeComments) ByID(_ context.Context, id int64) (*dal.Comment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byIDCalls++
	if f.byIDErr != nil {
		return nil, f.byIDErr
	}
	c, ok := f.rows[id]
	if !ok {
		return nil, dal.ErrNotFound
	}
	return &c, nil
}

func (f *fakeComments) Delete(_ context.Context, id, user, video int64) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deletes = append(f.deletes, [3]int64{id, user, video})
	if f.deleteErr != nil {
		return nil, f.deleteErr
	}
	c, ok := f.rows[id]
	if f.vanish || !ok || c.UserID != user || c.VideoID != video {
		return nil, nil
	}
	delete(f.rows, id)
	f.events++
	return []string{fmt.Sprintf("com-%d", f.events)}, nil
}

func (f *fakeComments) OfVideo(_ context.Context, video int64, after paging.Pos, limit int) ([]dal.Comment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listCalls++
	if f.listErr != nil {
		return nil, f.listErr
	}
	out := []dal.Comment{}
	for _, c := range f.rows {
		if c.VideoID == video && (after.IsStart() || c.ID < after.ID) {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out[:min(len(out), limit)], nil
}

// add stores a comment directly and returns its id.
func (f *fakeComments) add(user, video int64, content string) int64 {
	f.next++
	f.rows[f.next] = dal.Comment{ID: f.next, VideoID: video, UserID: user, Content: content, CreatedAt: clock}
	return f.next
}

// fakeVideos is the video service: videos by id with their authors.
type fakeVideos struct {
	mu      sync.Mutex
	authors map[int64]int64
	videos  map[int64]*base.Video
	// authorsCalls and mgetCalls record every call.
	authorsCalls [][]int64
	mgetCalls    []mgetCall
	// scramble returns MGetVideosWithoutLikes in reverse order, to prove the caller
	// does not depend on the order it gets.
	scramble bool

	authorsErr, mgetErr error
}

type mgetCall struct {
	viewer int64
	ids    []int64
}

func (f *fakeVideos) add(id, author int64) {
	f.authors[id] = author
	f.videos[id] = &base.Video{Id: id, Author: &base.User{Id: author}, Title: fmt.Sprintf("video %d", id)}
}

func (f *fakeVideos) VideoAuthors(_ context.Context, ids []int64) (map[int64]int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.authorsCalls = append(f.authorsCalls, append([]int64(nil), ids...))
	if f.authorsErr != nil {
		return nil, f.authorsErr
	}
	out := map[int64]int64{}
	for _, id := range ids {
		if a, ok := f.authors[id]; ok {
			out[id] = a
		}
	}
	return out, nil
}

func (f *fakeVideos) MGetVideosWithoutLikes(_ context.Context, viewer int64, ids []int64) ([]*base.Video, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mgetCalls = append(f.mgetCalls, mgetCall{viewer, append([]int64(nil), ids...)})
	if f.mgetErr != nil {
		return nil, f.mgetErr
	}
	out := []*base.Video{}
	for _, id := range ids {
		if v, ok := f.videos[id]; ok {
			c := *v
			out = append(out, &c)
		}
	}
	if f.scramble {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, nil
}
