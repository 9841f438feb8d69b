package ratelimit

import (
	"sync"

	"github.com/douyin-go/douyin/pkg/errno"
)

// Uploads bounds the uploads one gateway instance handles at once, in all
// and per user; an upload past either bound is refused at once with
// errno.UploadsBusy rather than queued. The bounds are per instance: an
// upload holds a slot only while its own connection is open, so nothing
// is left to expire if the instance dies.
type Uploads struct {
	mu      sync.Mutex
	max     int
	perUser int
	total   int
	byUser  map[int64]int
}

// NewUploads allows max uploads at once, perUser of them for one user.
func NewUploads(max, perUser int) *Uploads {
	return &Uploads{max: max, perUser: perUser, byUser: map[int64]int{}}
}

// Start takes an instance slot for an upload whose user is not known yet;
// release gives it back.
func (u *Uploads) Start() (release func(), err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.total >= u.max {
		return nil, errno.UploadsBusy.WithMessage("the server is handling too many uploads, please try again shortly")
	}
	u.total++
	return sync.OnceFunc(func() {
		u.mu.Lock()
		u.total--
		u.mu.Unlock()
	}), nil
}

// ForUser takes one of user's slots; release gives it back.
func (u *Uploads) ForUser(user int64) (release func(), err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.byUser[user] >= u.perUser {
		return nil, errno.UploadsBusy
	}
	u.byUser[user]++
	return sync.OnceFunc(func() {
		u.mu.Lock()
		defer u.mu.Unlock()
		if u.byUser[user]--; u.byUser[user] <= 0 {
			delete(u.byUser, user)
		}
	}), nil
}
