package clock

import (
	"testing"
	"time"
)

func TestOr(t *testing.T) {
	fixed := time.Unix(42, 0)
	if got := Or(func() time.Time { return fixed })(); !got.Equal(fixed) {
		t.Fatalf("Or(fixed)() = %v, want %v", got, fixed)
	}
	before := time.Now()
	if got := Or(nil)(); got.Before(before) {
		t.Fatalf("Or(nil)() = %v, before %v", got, before)
	}
}
