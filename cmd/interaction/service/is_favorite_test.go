package service_test

import (
	"context"
	"testing"
)

func TestMIsFavorite(t *testing.T) {
	tests := []struct {
		name        string
		user        int64
		ids         []int64
		readErr     error
		want        map[int64]bool
		wantQueries int
	}{
		{name: "mixed", user: 1, ids: []int64{10, 20, 30}, want: map[int64]bool{10: true, 20: false, 30: true}, wantQueries: 1},
		{name: "duplicates and non-positive ids", user: 1, ids: []int64{10, 10, 0, -5, 20}, want: map[int64]bool{10: true, 20: false}, wantQueries: 1},
		{name: "anonymous likes nothing, without a query", user: 0, ids: []int64{10, 30}, want: map[int64]bool{10: false, 30: false}},
		{name: "no ids, no query", user: 1, ids: nil, want: map[int64]bool{}},
		{name: "another user's likes are not mine", user: 2, ids: []int64{10, 30}, want: map[int64]bool{10: false, 30: false}, wantQueries: 1},
		{name: "database fails", user: 1, ids: []int64{10}, readErr: errBoom, wantQueries: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			w.favorites.add(1, 10, 30)
			w.favorites.readErr = tt.readErr
			got, err := w.svc.MIsFavorite(context.Background(), tt.user, tt.ids)
			if tt.readErr != nil {
				checkErr(t, err, tt.readErr, "")
			} else {
				checkErr(t, err, nil, "")
				checkEqual(t, "is_favorite", got, tt.want)
			}
			checkEqual(t, "queries", w.favorites.isFavoriteCalls, tt.wantQueries)
		})
	}
}
