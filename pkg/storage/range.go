package storage

import (
	"errors"
	"math"
	"strings"
)

// ErrUnsatisfiableRange means the Range header asks for bytes the object
// does not have; HTTP handlers answer 416 with "Content-Range: bytes */size".
var ErrUnsatisfiableRange = errors.New("range not satisfiable")

// ParseRange parses one HTTP Range header (RFC 7233) against an object of
// size bytes and returns the concrete inclusive range to serve (End is
// never -1). It returns nil, nil — serve the whole object with 200 — when
// the header is empty, not in bytes, syntactically invalid (the RFC says
// such headers MUST be ignored), or lists several ranges (multipart
// responses are not supported; ignoring is allowed). It returns
// ErrUnsatisfiableRange when the range starts at or past the end, asks for
// the last 0 bytes, or the object is empty.
func ParseRange(header string, size int64) (*Range, error) {
	unit, spec, ok := strings.Cut(strings.TrimSpace(header), "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") || strings.Contains(spec, ",") {
		return nil, nil
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return nil, nil
	}
	if first == "" { // suffix: the last n bytes
		n, ok := digits(last)
		if !ok {
			return nil, nil
		}
		if n == 0 || size <= 0 {
			return nil, ErrUnsatisfiableRange
		}
		return &Range{Start: max(size-n, 0), End: size - 1}, nil
	}
	start, ok := digits(first)
	if !ok {
		return nil, nil
	}
	end := int64(math.MaxInt64)
	if last != "" {
		if end, ok = digits(last); !ok || end < start {
			return nil, nil
		}
	}
	if start >= size {
		return nil, ErrUnsatisfiableRange
	}
	return &Range{Start: start, End: min(end, size-1)}, nil
}

// digits parses a non-empty run of ASCII digits. strconv would also take
// signs; an overflowing number is still valid syntax, so it saturates and
// is then clamped or rejected as unsatisfiable like any large position.
func digits(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var n int64
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (math.MaxInt64-d)/10 {
			n = math.MaxInt64
			continue
		}
		n = n*10 + d
	}
	return n, true
}
