package live

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/douyin-go/douyin/kitex_gen/base"
)

// fakeSocket records written frames; reads never return.
type fakeSocket struct{ frames []Outbound }

func (f *fakeSocket) SetReadLimit(int64)                        {}
func (f *fakeSocket) SetReadDeadline(time.Time) error           { return nil }
func (f *fakeSocket) SetPongHandler(func(string) error)         {}
func (f *fakeSocket) ReadMessage() (int, []byte, error)         { select {} }
func (f *fakeSocket) SetWriteDeadline(time.Time) error          { return nil }
func (f *fakeSocket) WriteControl(int, []byte, time.Time) error { return nil }
func (f *fakeSocket) WriteMessage(_ int, data []byte) error {
	var o Outbound
	if err := json.Unmarshal(data, &o); err != nil {
		return err
	}
	f.frames = append(f.frames, o)
	return nil
}

// times lists the create_time of every message frame written.
func (f *fakeSocket) times() []int64 {
	out := []int64{}
	for _, o := range f.frames {
		if o.Type == TypeMessage {
			out = append(out, o.Message.CreateTime)
		}
	}
	return out
}

const me, peer = 1, 2

func msg(ct int64) *base.Message {
	return &base.Message{Id: ct, FromUserId: peer, ToUserId: me, Content: "m", CreateTime: ct}
}

func msgs(times ...int64) []*base.Message {
	out := make([]*base.Message, len(times))
	for i, ct := range times {
		out[i] = msg(ct)
	}
	return out
}

// step is one thing that happens to a session: a live message, or a sync
// answered with a history.
type step struct {
	live    int64 // create_time of a live message; 0 for a sync
	after   int64
	history []int64
}

// A socket delivers each message of a conversation once, in create_time
// order, whatever mix of live pushes and syncs (with any pre_msg_time)
// brings it, as long as what it delivers can be told apart from what it
// has not.
func TestSessionDeliversEachMessageOnce(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		want  []int64
	}{
		{"live only", []step{{live: 10}, {live: 11}}, []int64{10, 11}},
		{"sync then live", []step{{after: 0, history: []int64{5, 7}}, {live: 9}}, []int64{5, 7, 9}},
		{"live that the sync's history had is dropped",
			[]step{{after: 0, history: []int64{5, 7, 9}}, {live: 7}, {live: 9}, {live: 10}}, []int64{5, 7, 9, 10}},
		{"sync after live skips what was pushed",
			[]step{{live: 7}, {live: 9}, {after: 3, history: []int64{5, 7, 9}}, {live: 9}, {live: 12}}, []int64{7, 9, 5, 12}},
		{"reconnect-style sync from the last time seen",
			[]step{{after: 9, history: []int64{10, 11}}, {live: 11}, {live: 12}}, []int64{10, 11, 12}},
		{"sync beyond what was pushed",
			[]step{{live: 3}, {after: 8, history: []int64{9}}, {live: 9}, {live: 10}}, []int64{3, 9, 10}},
		{"repeated sync sends nothing twice",
			[]step{{after: 0, history: []int64{1, 2}}, {after: 0, history: []int64{1, 2}}}, []int64{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sock := &fakeSocket{}
			s := newSession(me, sock, nil, Timing{}, 8)
			for _, st := range tt.steps {
				var err error
				if st.live != 0 {
					err = s.push(msg(st.live))
				} else {
					err = s.deliverHistory(peer, st.after, msgs(st.history...))
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if got := sock.times(); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("delivered %v, want %v", got, tt.want)
			}
		})
	}
}

// pagedHistory answers Chat a page of at most 2 messages at a time.
type pagedHistory struct {
	times []int64
	calls []int64 // the after of each call
}

func (p *pagedHistory) Chat(_ context.Context, _, _, after int64) ([]*base.Message, error) {
	p.calls = append(p.calls, after)
	var out []*base.Message
	for _, ct := range p.times {
		if ct > after && len(out) < 2 {
			out = append(out, msg(ct))
		}
	}
	return out, nil
}

// A sync reads a paged history to its end, then says synced with the last
// create_time delivered.
func TestSyncReadsEveryPage(t *testing.T) {
	sock := &fakeSocket{}
	hist := &pagedHistory{times: []int64{5, 6, 7, 8, 9}}
	s := newSession(me, sock, hist, Timing{Sync: time.Second}, 8)
	if err := s.handle(context.Background(), Inbound{Type: TypeSync, ToUserID: peer, PreMsgTime: 4}); err != nil {
		t.Fatal(err)
	}
	if got := sock.times(); !reflect.DeepEqual(got, []int64{5, 6, 7, 8, 9}) {
		t.Fatalf("delivered %v", got)
	}
	if !reflect.DeepEqual(hist.calls, []int64{4, 6, 8, 9}) {
		t.Fatalf("history read after %v", hist.calls)
	}
	last := sock.frames[len(sock.frames)-1]
	if last.Type != TypeSynced || last.ToUserID != peer || *last.CreateTime != 9 {
		t.Fatalf("last frame %+v, want synced at 9", last)
	}
	// Nothing new: one read, and synced at the time asked for.
	sock.frames = nil
	if err := s.handle(context.Background(), Inbound{Type: TypeSync, ToUserID: 3, PreMsgTime: 100}); err != nil {
		t.Fatal(err)
	}
	if len(sock.frames) != 1 || sock.frames[0].Type != TypeSynced || *sock.frames[0].CreateTime != 100 {
		t.Fatalf("frames %+v", sock.frames)
	}
}

// A full queue never blocks the hub: the socket is told to close instead.
func TestOfferToAFullQueueKicks(t *testing.T) {
	s := newSession(me, &fakeSocket{}, nil, Timing{}, 2)
	for ct := int64(1); ct <= 3; ct++ {
		s.offer(msg(ct))
	}
	select {
	case r := <-s.stop:
		if r.code != CloseTryAgainLater {
			t.Fatalf("close code %d, want %d", r.code, CloseTryAgainLater)
		}
	default:
		t.Fatal("a session with a full queue was not told to close")
	}
	if len(s.queue) != 2 {
		t.Fatalf("%d queued, want 2", len(s.queue))
	}
}
