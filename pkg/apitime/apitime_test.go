package apitime

import "testing"

func TestMillis(t *testing.T) {
	tests := []struct{ in, want int64 }{
		{0, 0},
		{-1, 0},
		{-1_700_000_000_000, 0},
		{1, 1000},
		{1_700_000_000, 1_700_000_000_000},     // seconds
		{999_999_999_999, 999_999_999_999_000}, // just below 10^12: seconds
		{1_000_000_000_000, 1_000_000_000_000}, // 10^12: milliseconds
		{1_700_000_000_123, 1_700_000_000_123},
	}
	for _, tt := range tests {
		if got := Millis(tt.in); got != tt.want {
			t.Errorf("Millis(%d) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
