// Package apitime holds the contract's rule for times clients send:
// milliseconds since the Unix epoch, leniently also seconds.
package apitime

// secondsBelow is the leniency rule: a time below 10^12 (2001-09-09 in
// milliseconds, year 33658 in seconds) is seconds, not milliseconds.
const secondsBelow = 1_000_000_000_000

// Millis normalises a client time to milliseconds: values below 10^12 are
// seconds; 0 and negative values mean "not given" and stay 0.
func Millis(t int64) int64 {
	switch {
	case t <= 0:
		return 0
	case t < secondsBelow:
		return t * 1000
	default:
		return t
	}
}
