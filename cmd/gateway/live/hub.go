package live

import (
	"context"
	"sync"

	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
)

// Limits bound the sockets of one replica.
type Limits struct {
	// PerUser is how many sockets one user may hold (tabs, devices).
	PerUser int
	// Total is how many sockets the replica holds at most.
	Total int
}

// Errors a socket is refused with.
var (
	errUserFull    = errno.LiveConnLimit
	errReplicaFull = errno.ServiceUnavail.WithMessage("live chat is busy here, please reconnect")
	errClosing     = errno.ServiceUnavail.WithMessage("this gateway is shutting down, please reconnect")
)

// Hub knows the sockets connected to this replica by user, and queues each
// message on the sockets of both of its users. It never blocks on a
// socket: one whose queue is full is told to close.
type Hub struct {
	limits Limits

	mu      sync.Mutex
	users   map[int64]map[*session]struct{}
	total   int
	closing bool
	// running counts sessions until they have ended, for Shutdown.
	running sync.WaitGroup
}

// NewHub builds an empty hub.
func NewHub(limits Limits) *Hub {
	return &Hub{limits: limits, users: map[int64]map[*session]struct{}{}}
}

// add registers s, unless a limit or a shutdown refuses it.
func (h *Hub) add(s *session) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.closing:
		return errClosing
	case h.total >= h.limits.Total:
		return errReplicaFull
	case len(h.users[s.user]) >= h.limits.PerUser:
		return errUserFull
	}
	if h.users[s.user] == nil {
		h.users[s.user] = map[*session]struct{}{}
	}
	h.users[s.user][s] = struct{}{}
	h.total++
	h.running.Add(1)
	return nil
}

// remove forgets s; it is called once for every s that add accepted.
func (h *Hub) remove(s *session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.users[s.user][s]; !ok {
		return
	}
	delete(h.users[s.user], s)
	if len(h.users[s.user]) == 0 {
		delete(h.users, s.user)
	}
	h.total--
	h.running.Done()
}

// Deliver queues m on every socket of its sender and of its receiver.
func (h *Hub) Deliver(m *base.Message) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, user := range []int64{m.FromUserId, m.ToUserId} {
		for s := range h.users[user] {
			s.offer(m)
		}
	}
}

// Conns is how many sockets are connected.
func (h *Hub) Conns() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total
}

// Shutdown refuses new sockets, tells every socket to close with "going
// away" (clients reconnect, to another replica) and waits until they have
// closed or ctx ends.
func (h *Hub) Shutdown(ctx context.Context) {
	h.mu.Lock()
	h.closing = true
	for _, sessions := range h.users {
		for s := range sessions {
			s.kick(CloseGoingAway, "server is shutting down")
		}
	}
	h.mu.Unlock()
	done := make(chan struct{})
	go func() { h.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}
