package service_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/douyin-go/douyin/cmd/message/dal"
	"github.com/douyin-go/douyin/cmd/message/service"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/testutil/fakes"
)

func TestLatestMessages(t *testing.T) {
	const me = 1
	latest := map[int64]dal.Message{
		2: {ID: 5, FromUserID: 2, ToUserID: me, Content: "from 2", CreateTime: 100},
		3: {ID: 6, FromUserID: me, ToUserID: 3, Content: "to 3", CreateTime: 200},
	}
	tests := []struct {
		name      string
		user      int64
		peers     []int64
		store     *fakeStore
		want      error
		wantPeers [][]int64 // what the store was asked
		wantKeys  []int64
	}{
		{"one batch for all peers", me, []int64{2, 3, 4}, &fakeStore{latest: latest}, nil, [][]int64{{2, 3, 4}}, []int64{2, 3}},
		{"duplicates, self and bad ids dropped", me, []int64{2, 2, me, 0, -1, 3}, &fakeStore{latest: latest}, nil, [][]int64{{2, 3}}, []int64{2, 3}},
		{"no peers, no query", me, nil, &fakeStore{latest: latest}, nil, nil, []int64{}},
		{"only self, no query", me, []int64{me}, &fakeStore{latest: latest}, nil, nil, []int64{}},
		{"no user", 0, []int64{2}, &fakeStore{}, errno.ParamErr, nil, nil},
		{"store fails", me, []int64{2}, &fakeStore{err: errBoom}, errBoom, [][]int64{{2}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := service.New(service.Deps{Messages: tt.store, Users: fakes.NewUsers()}, service.Options{})
			got, err := svc.LatestMessages(context.Background(), tt.user, tt.peers)
			if !errors.Is(err, tt.want) { // errors.Is(err, nil) means err == nil
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !reflect.DeepEqual(tt.store.latestCalls, tt.wantPeers) {
				t.Fatalf("store asked %v, want %v", tt.store.latestCalls, tt.wantPeers)
			}
			if tt.want != nil {
				return
			}
			if got == nil || len(got) != len(tt.wantKeys) {
				t.Fatalf("got %v, want keys %v (never nil)", got, tt.wantKeys)
			}
			for _, peer := range tt.wantKeys {
				m, s := got[peer], latest[peer]
				if m == nil || m.Id != s.ID || m.FromUserId != s.FromUserID || m.ToUserId != s.ToUserID || m.Content != s.Content || m.CreateTime != s.CreateTime {
					t.Fatalf("peer %d: %+v, from %+v", peer, m, s)
				}
			}
		})
	}
}
