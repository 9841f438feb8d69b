package service_test

import (
	"context"
	"errors"
	"sync"

	"github.com/douyin-go/douyin/cmd/message/dal"
)

// errBoom is an infrastructure failure a fake returns.
var errBoom = errors.New("boom")

// sent is one recorded MessageStore.Send call.
type sent struct {
	from, to int64
	content  string
	now      int64
}

// fakeStore is an in-memory MessageStore. Setting err makes every method fail.
type fakeStore struct {
	mu    sync.Mutex
	err   error
	sends []sent
	// chat is what Chat returns; exists says whether the pair has a
	// conversation. chatAfter records the after of each Chat call.
	chat      []dal.Message
	exists    bool
	chatAfter []int64
	// latest is what Latest returns; latestCalls records its peers.
	latest      map[int64]dal.Message
	latestCalls [][]int64
}

func (f *fakeStore) Send(_ context.Context, from, to int64, content string, now int64) (*dal.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	f.sends = append(f.sends, sent{from, to, content, now})
	return &dal.Message{ID: int64(len(f.sends)), FromUserID: from, ToUserID: to, Content: content, CreateTime: now}, nil
}

func (f *fakeStore) Chat(_ context.Context, _, _ int64, q dal.ChatQuery) ([]dal.Message, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chatAfter = append(f.chatAfter, q.After)
	if f.err != nil {
		return nil, false, f.err
	}
	return f.chat, f.exists, nil
}

func (f *fakeStore) Latest(_ context.Context, _ int64, peers []int64) (map[int64]dal.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latestCalls = append(f.latestCalls, append([]int64(nil), peers...))
	if f.err != nil {
		return nil, f.err
	}
	return f.latest, nil
}
