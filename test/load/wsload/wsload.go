// Package wsload measures live chat under load: it holds many WebSockets
// open on a gateway, sends chat messages through the HTTP API at a fixed
// rate, and times each message from the moment its send starts until it
// arrives on every socket of its sender and of its receiver.
//
//	users, _ := wsload.Register(ctx, base, "load", 1000)
//	report, err := wsload.Run(ctx, wsload.Options{BaseURL: base, Users: users, Rate: 200, Duration: 30 * time.Second})
//	fmt.Println(report)
//
// Sockets are spread over the users round-robin; each message goes from a
// random user to the next one in the list. A delivery is a message frame
// on a socket; a loss is a socket of the sender or receiver that did not
// get it within Drain after the send; a duplicate is a second copy on one
// socket.
package wsload

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/douyin-go/douyin/cmd/gateway/live"
	"github.com/douyin-go/douyin/cmd/gateway/live/liveclient"
)

// User is an account the load runs as.
type User struct {
	ID    int64
	Token string
}

// Options say what load to make. Zero fields take the defaults noted.
type Options struct {
	// BaseURL is the gateway, e.g. http://127.0.0.1:8080.
	BaseURL string
	// Users are the accounts (at least 2).
	Users []User
	// Conns is how many sockets to hold open (default: one per user).
	Conns int
	// Rate is messages sent per second (default 200).
	Rate float64
	// Duration is how long messages are sent (default 30s).
	Duration time.Duration
	// Senders is how many sends may be in flight (default 64).
	Senders int
	// Drain is how long to wait for deliveries after the last send
	// (default 10s).
	Drain time.Duration
	// DialConcurrency is how many sockets connect at once (default 32).
	DialConcurrency int
}

func (o *Options) defaults() error {
	if len(o.Users) < 2 {
		return errors.New("wsload: need at least 2 users")
	}
	if o.BaseURL == "" {
		return errors.New("wsload: no BaseURL")
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.Conns <= 0 {
		o.Conns = len(o.Users)
	}
	if o.Rate <= 0 {
		o.Rate = 200
	}
	if o.Duration <= 0 {
		o.Duration = 30 * time.Second
	}
	if o.Senders <= 0 {
		o.Senders = 64
	}
	if o.Drain <= 0 {
		o.Drain = 10 * time.Second
	}
	if o.DialConcurrency <= 0 {
		o.DialConcurrency = 32
	}
	return nil
}

// Report is what a run measured.
type Report struct {
	Conns           int     // sockets open during the run
	ConnectFailures int     // sockets that could not be opened
	Dropped         int     // sockets the server closed during the run
	Sent            int     // messages the API accepted
	SendErrors      int     // sends that failed
	SendRate        float64 // messages accepted per second, as achieved
	Expected        int     // deliveries owed: per message, the sockets of both users
	Delivered       int     // deliveries that arrived (first copy per socket)
	Lost            int     // Expected - Delivered
	Duplicates      int     // extra copies on a socket
	// Delivery latency: send start to arrival, over every delivery.
	P50, P90, P99, Max time.Duration
	// SendP50, SendP99 are the latency of the send itself (the HTTP
	// request), for telling the API's share from the push's.
	SendP50, SendP99 time.Duration
}

func (r Report) String() string {
	ms := func(d time.Duration) string { return d.Round(10 * time.Microsecond).String() }
	return fmt.Sprintf("sockets %d open, %d failed, %d dropped; sent %d (%.0f/s, send p50 %s p99 %s), %d send errors; delivered %d of %d (lost %d, duplicates %d); delivery latency p50 %s p90 %s p99 %s max %s",
		r.Conns, r.ConnectFailures, r.Dropped, r.Sent, r.SendRate, ms(r.SendP50), ms(r.SendP99), r.SendErrors,
		r.Delivered, r.Expected, r.Lost, r.Duplicates, ms(r.P50), ms(r.P90), ms(r.P99), ms(r.Max))
}

// run is one load run's shared state.
type run struct {
	opts  Options
	tag   string    // marks this run's messages
	sent  sync.Map  // seq -> time the send started
	lat   latencies // deliveries
	sends latencies // HTTP sends
	dups  atomic.Int64
	drops atomic.Int64
}

// Run opens the sockets, sends at the rate for the duration, waits for the
// deliveries and reports. It raises the process's open-file limit if the
// sockets need it. An error means the run could not be made at all.
func Run(ctx context.Context, opts Options) (Report, error) {
	if err := opts.defaults(); err != nil {
		return Report{}, err
	}
	if err := RaiseFileLimit(uint64(opts.Conns)*2 + uint64(opts.Senders) + 256); err != nil {
		return Report{}, err
	}
	r := &run{opts: opts, tag: "wsload-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	socks, failures := r.dial(ctx)
	defer func() {
		for _, s := range socks {
			_ = s.conn.Close()
		}
	}()
	perUser := map[int64]int{}
	for _, s := range socks {
		perUser[s.user]++
	}
	var readers sync.WaitGroup
	for _, s := range socks {
		readers.Go(func() { r.read(ctx, s) })
	}

	sent, sendErrs, expected, elapsed := r.send(ctx, perUser)
	deadline := time.Now().Add(opts.Drain)
	for r.lat.count() < expected && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	for _, s := range socks {
		_ = s.conn.Close()
	}
	readers.Wait()

	rep := Report{
		Conns: len(socks), ConnectFailures: failures, Dropped: int(r.drops.Load()),
		Sent: sent, SendErrors: sendErrs, SendRate: float64(sent) / elapsed.Seconds(),
		Expected: expected, Delivered: r.lat.count(), Duplicates: int(r.dups.Load()),
	}
	rep.Lost = rep.Expected - rep.Delivered
	rep.P50, rep.P90, rep.P99, rep.Max = r.lat.percentiles()
	rep.SendP50, _, rep.SendP99, _ = r.sends.percentiles()
	return rep, nil
}

// socket is one open socket and what it received.
type socket struct {
	user int64
	conn *liveclient.Conn
	seen map[int64]bool // seq of this run's messages received
}

// dial opens opts.Conns sockets, round-robin over the users.
func (r *run) dial(ctx context.Context) ([]*socket, int) {
	var (
		mu       sync.Mutex
		socks    []*socket
		failures int
		wg       sync.WaitGroup
		slots    = make(chan struct{}, r.opts.DialConcurrency)
	)
	for i := range r.opts.Conns {
		u := r.opts.Users[i%len(r.opts.Users)]
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			c, err := liveclient.DialRetry(dctx, r.opts.BaseURL, u.Token)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures++
				return
			}
			socks = append(socks, &socket{user: u.ID, conn: c, seen: map[int64]bool{}})
		})
	}
	wg.Wait()
	return socks, failures
}

// read records this run's messages arriving on s until it closes.
func (r *run) read(ctx context.Context, s *socket) {
	prefix := r.tag + " "
	for {
		f, err := s.conn.Next(context.Background())
		if err != nil {
			if ctx.Err() == nil {
				r.drops.Add(1)
			}
			return
		}
		if f.Type != live.TypeMessage || !strings.HasPrefix(f.Message.Content, prefix) {
			continue
		}
		at := time.Now()
		seq, err := strconv.ParseInt(strings.TrimPrefix(f.Message.Content, prefix), 10, 64)
		if err != nil {
			continue
		}
		if s.seen[seq] {
			r.dups.Add(1)
			continue
		}
		s.seen[seq] = true
		if start, ok := r.sent.Load(seq); ok {
			r.lat.add(at.Sub(start.(time.Time)))
		}
	}
}

// send sends messages at the rate for the duration (open loop: a send is
// due at its time whether or not earlier ones finished) and returns how
// many the API accepted, how many failed, the deliveries they owe and the
// time it took.
func (r *run) send(ctx context.Context, perUser map[int64]int) (sent, failed, expected int, elapsed time.Duration) {
	n := int(r.opts.Rate * r.opts.Duration.Seconds())
	interval := time.Duration(float64(time.Second) / r.opts.Rate)
	jobs := make(chan int64, r.opts.Senders*4)
	var mu sync.Mutex
	var wg sync.WaitGroup
	rng := rand.New(rand.NewPCG(1, 2))
	pairs := make([][2]int, n)
	for i := range pairs {
		from := rng.IntN(len(r.opts.Users))
		pairs[i] = [2]int{from, (from + 1) % len(r.opts.Users)}
	}
	client := newSender(r.opts.BaseURL, r.opts.Senders)
	for range r.opts.Senders {
		wg.Go(func() {
			for seq := range jobs {
				from, to := r.opts.Users[pairs[seq][0]], r.opts.Users[pairs[seq][1]]
				begin := time.Now()
				r.sent.Store(seq, begin)
				err := client.send(ctx, from.Token, to.ID, fmt.Sprintf("%s %d", r.tag, seq))
				r.sends.add(time.Since(begin))
				mu.Lock()
				if err != nil {
					failed++
					r.sent.Delete(seq)
				} else {
					sent++
					expected += perUser[from.ID] + perUser[to.ID]
				}
				mu.Unlock()
			}
		})
	}
	start := time.Now()
	for i := range n {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(d):
			}
		}
		if ctx.Err() != nil {
			break
		}
		jobs <- int64(i)
	}
	close(jobs)
	wg.Wait()
	return sent, failed, expected, time.Since(start)
}

// latencies collects delivery latencies.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.d)
}

func (l *latencies) percentiles() (p50, p90, p99, max time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return
	}
	sort.Slice(l.d, func(i, j int) bool { return l.d[i] < l.d[j] })
	at := func(p float64) time.Duration { return l.d[min(len(l.d)-1, int(p*float64(len(l.d))))] }
	return at(0.50), at(0.90), at(0.99), l.d[len(l.d)-1]
}
