package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Rate is a limit of N events per period, written "N/period" ("10/1m",
// "300/1h"); N events may come at once, then they are spread over the
// period. "0" or "unlimited" is no limit.
type Rate struct {
	N   int
	Per time.Duration
}

// Unlimited reports whether r limits nothing.
func (r Rate) Unlimited() bool { return r.N <= 0 }

func (r Rate) String() string {
	if r.Unlimited() {
		return "unlimited"
	}
	return fmt.Sprintf("%d/%s", r.N, r.Per)
}

// UnmarshalText reads "N/period"; YAML and the environment both use it.
func (r *Rate) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	if s == "0" || strings.EqualFold(s, "unlimited") {
		*r = Rate{}
		return nil
	}
	count, period, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if !ok || err != nil || n <= 0 {
		return fmt.Errorf("rate %q: want N/period, such as 10/1m", s)
	}
	per, err := time.ParseDuration(strings.TrimSpace(period))
	if err != nil || per <= 0 {
		return fmt.Errorf("rate %q: the period must be a positive duration such as 1m", s)
	}
	*r = Rate{N: n, Per: per}
	return nil
}

// MarshalText writes r as UnmarshalText reads it.
func (r Rate) MarshalText() ([]byte, error) {
	if r.Unlimited() {
		return []byte("0"), nil
	}
	return []byte(fmt.Sprintf("%d/%s", r.N, r.Per)), nil
}
