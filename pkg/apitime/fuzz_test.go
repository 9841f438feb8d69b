package apitime

import "testing"

// Millis keeps "not given" as 0, reads times below 10^12 as seconds and
// never overflows doing so, and keeps milliseconds as they are.
func FuzzMillis(f *testing.F) {
	for _, seed := range []int64{0, -1, 1, 1_700_000_000, 999_999_999_999, 1_000_000_000_000, 1<<63 - 1, -1 << 63} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in int64) {
		got := Millis(in)
		switch {
		case in <= 0 && got != 0:
			t.Fatalf("Millis(%d) = %d, want 0", in, got)
		case in > 0 && in < secondsBelow && got != in*1000:
			t.Fatalf("Millis(%d) = %d, want it read as seconds", in, got)
		case in >= secondsBelow && got != in:
			t.Fatalf("Millis(%d) = %d, want it kept as milliseconds", in, got)
		}
		if got < 0 {
			t.Fatalf("Millis(%d) = %d is negative", in, got)
		}
	})
}
