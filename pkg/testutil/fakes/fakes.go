// Package fakes holds the stand-ins that several services' unit tests use
// for the same collaborators: the user service as seen through MGetUsers,
// and the counter waiter. Each records its calls for assertions.
package fakes

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/douyin-go/douyin/kitex_gen/base"
)

// UsersCall is one MGetUsers call.
type UsersCall struct {
	Viewer int64
	IDs    []int64
}

// Users is the user service: users by id and who follows whom. Setting
// Err makes every call fail.
type Users struct {
	mu      sync.Mutex
	users   map[int64]*base.User
	follows map[[2]int64]bool
	calls   []UsersCall
	Err     error
}

// NewUsers makes users with ids, named "user<id>" with WorkCount id (so a
// test can tell them apart).
func NewUsers(ids ...int64) *Users {
	f := &Users{users: map[int64]*base.User{}, follows: map[[2]int64]bool{}}
	for _, id := range ids {
		f.Add(id, fmt.Sprintf("user%d", id))
		f.users[id].WorkCount = id
	}
	return f
}

// Add makes a user id named name.
func (f *Users) Add(id int64, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id] = &base.User{Id: id, Name: name}
}

// Follow makes viewer follow id, as is_follow shows it.
func (f *Users) Follow(viewer, id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.follows[[2]int64{viewer, id}] = true
}

// Calls are the MGetUsers calls so far.
func (f *Users) Calls() []UsersCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]UsersCall(nil), f.calls...)
}

// MGetUsers returns copies of the known users among ids as viewer sees them.
func (f *Users) MGetUsers(_ context.Context, viewer int64, ids []int64) (map[int64]*base.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, UsersCall{viewer, append([]int64(nil), ids...)})
	if f.Err != nil {
		return nil, f.Err
	}
	out := map[int64]*base.User{}
	for _, id := range ids {
		if u, ok := f.users[id]; ok {
			c := *u
			c.IsFollow = f.follows[[2]int64{viewer, id}]
			out[id] = &c
		}
	}
	return out, nil
}

// WaitCall is one Wait call.
type WaitCall struct {
	Timeout time.Duration
	IDs     []string
	Groups  []string
}

// Waiter is the counter waiter: it records every Wait and answers that the
// events were applied unless NotApplied is set.
type Waiter struct {
	mu         sync.Mutex
	calls      []WaitCall
	NotApplied bool
}

// Calls are the Wait calls so far.
func (w *Waiter) Calls() []WaitCall {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]WaitCall(nil), w.calls...)
}

// Wait records the call.
func (w *Waiter) Wait(_ context.Context, timeout time.Duration, ids []string, groups ...string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, WaitCall{timeout, append([]string(nil), ids...), append([]string(nil), groups...)})
	return !w.NotApplied
}

// ResetCalls forgets the calls so far.
func (f *Users) ResetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = nil
}
