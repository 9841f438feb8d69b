// Package clock is the wall clock services are given, so tests can fix it.
package clock

import "time"

// Func tells the time.
type Func = func() time.Time

// Or is c, or time.Now when c is nil.
func Or(c Func) Func {
	if c == nil {
		return time.Now
	}
	return c
}
