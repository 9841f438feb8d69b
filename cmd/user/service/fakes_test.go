package service_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/douyin-go/douyin/cmd/user/dal"
	"github.com/douyin-go/douyin/pkg/paging"
)

// fakeUsers is an in-memory UserStore. Setting an err field makes the
// matching method fail.
type fakeUsers struct {
	mu      sync.Mutex
	byID    map[int64]dal.User
	next    int64
	created []dal.User
	// byIDsCalls records the ids of every ByIDs call.
	byIDsCalls [][]int64

	createErr, byNameErr, byIDsErr error
}

func newFakeUsers() *fakeUsers { return &fakeUsers{byID: map[int64]dal.User{}} }

func (f *fakeUsers) Create(_ context.Context, u *dal.User) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.createErr != nil {
		return f.createErr
	}
	for _, x := range f.byID {
		if x.Username == u.Username {
			return dal.ErrDuplicate
		}
	}
	f.next++
	u.ID = f.next
	f.byID[u.ID] = *u
	f.created = append(f.created, *u)
	return nil
}

func (f *fakeUsers) ByUsername(_ context.Context, name string) (*dal.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.byNameErr != nil {
		return nil, f.byNameErr
	}
	for _, u := range f.byID {
		if u.Username == name {
			return &u, nil
		}
	}
	return nil, dal.ErrNotFound
}

func (f *fakeUsers) ByIDs(_ context.Context, ids []int64) (map[int64]dal.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byIDsCalls = append(f.byIDsCalls, append([]int64(nil), ids...))
	if f.byIDsErr != nil {
		return nil, f.byIDsErr
	}
	out := map[int64]dal.User{}
	for _, id := range ids {
		if u, ok := f.byID[id]; ok {
			out[id] = u
		}
	}
	return out, nil
}

// add stores a user directly and returns its id.
func (f *fakeUsers) add(name string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	f.byID[f.next] = dal.User{ID: f.next, Username: name, Signature: "sig of " + name, FollowCount: 10 * f.next, FollowerCount: 100 * f.next,
		TotalFavorited: 1000 * f.next, WorkCount: 2 * f.next, FavoriteCount: 3 * f.next}
	return f.next
}

type edge struct{ from, to int64 }

// fakeRelations is an in-memory RelationStore that, like dal.Relations,
// returns event ids only when an edge changed and lists most recent first.
type fakeRelations struct {
	mu     sync.Mutex
	edges  map[edge]int // edge -> sequence number of its creation
	seq    int
	events int
	// followingCalls records (viewer, ids) of every Following call.
	followingCalls []followingCall

	followErr, followingErr, listErr error
}

type followingCall struct {
	viewer int64
	ids    []int64
}

func newFakeRelations() *fakeRelations { return &fakeRelations{edges: map[edge]int{}} }

func (f *fakeRelations) newEvent() []string {
	f.events++
	return []string{fmt.Sprintf("ev-%d", f.events)}
}

func (f *fakeRelations) Follow(_ context.Context, follower, followee int64, _ time.Time) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.followErr != nil {
		return nil, f.followErr
	}
	e := edge{follower, followee}
	if _, ok := f.edges[e]; ok {
		return nil, nil
	}
	f.seq++
	f.edges[e] = f.seq
	return f.newEvent(), nil
}

func (f *fakeRelations) Unfollow(_ context.Context, follower, followee int64) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.followErr != nil {
		return nil, f.followErr
	}
	e := edge{follower, followee}
	if _, ok := f.edges[e]; !ok {
		return nil, nil
	}
	delete(f.edges, e)
	return f.newEvent(), nil
}

func (f *fakeRelations) Following(_ context.Context, viewer int64, ids []int64) (map[int64]bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.followingCalls = append(f.followingCalls, followingCall{viewer, append([]int64(nil), ids...)})
	if f.followingErr != nil {
		return nil, f.followingErr
	}
	out := map[int64]bool{}
	for _, id := range ids {
		if _, ok := f.edges[edge{viewer, id}]; ok {
			out[id] = true
		}
	}
	return out, nil
}

// list returns one page of pick(edge) of the edges keep accepts, most
// recent first, each at its edge's rank as the time.
func (f *fakeRelations) list(keep func(edge) bool, pick func(edge) int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.listErr != nil {
		return nil, f.listErr
	}
	var all []paging.Pos
	for e, rank := range f.edges {
		if keep(e) {
			all = append(all, paging.Pos{At: int64(rank), ID: pick(e)})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].At > all[j].At || all[i].At == all[j].At && all[i].ID > all[j].ID })
	out := []paging.Pos{}
	for _, p := range all {
		older := p.At < after.At || p.At == after.At && p.ID < after.ID
		if (after.IsStart() || older) && len(out) < limit {
			out = append(out, p)
		}
	}
	return out, nil
}

func (f *fakeRelations) FolloweesOf(_ context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	return f.list(func(e edge) bool { return e.from == user }, func(e edge) int64 { return e.to }, after, limit)
}

func (f *fakeRelations) FollowersOf(_ context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	return f.list(func(e edge) bool { return e.to == user }, func(e edge) int64 { return e.from }, after, limit)
}

func (f *fakeRelations) FriendsOf(_ context.Context, user int64, after paging.Pos, limit int) ([]paging.Pos, error) {
	f.mu.Lock()
	back := map[int64]bool{}
	for e := range f.edges {
		if e.to == user {
			back[e.from] = true
		}
	}
	f.mu.Unlock()
	return f.list(func(e edge) bool { return e.from == user && back[e.to] }, func(e edge) int64 { return e.to }, after, limit)
}
