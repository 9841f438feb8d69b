package idlist

import (
	"fmt"
	"reflect"
	"testing"
)

func TestUniquePositive(t *testing.T) {
	tests := []struct {
		in   []int64
		want string
	}{
		{nil, "[]"},
		{[]int64{3, 1, 3, 2, 1}, "[3 1 2]"},
		{[]int64{0, -4, 5, 0}, "[5]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(UniquePositive(tt.in)); got != tt.want {
			t.Errorf("UniquePositive(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestCollect(t *testing.T) {
	pairs := [][2]int64{{1, 2}, {2, 3}, {0, 4}}
	got := Collect(pairs, func(p [2]int64) []int64 { return p[:] })
	if want := []int64{1, 2, 3, 4}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Collect = %v, want %v", got, want)
	}
}
