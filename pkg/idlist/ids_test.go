package idlist

import (
	"fmt"
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
