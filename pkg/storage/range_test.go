package storage

import (
	"errors"
	"testing"
)

func TestParseRange(t *testing.T) {
	const size = 1000
	tests := []struct {
		name   string
		header string
		size   int64
		want   *Range // nil: serve the whole object
		err    error
	}{
		{"empty header", "", size, nil, nil},
		{"first and last", "bytes=0-99", size, &Range{0, 99}, nil},
		{"single byte", "bytes=5-5", size, &Range{5, 5}, nil},
		{"open end", "bytes=100-", size, &Range{100, 999}, nil},
		{"last byte", "bytes=999-", size, &Range{999, 999}, nil},
		{"end clamped", "bytes=900-5000", size, &Range{900, 999}, nil},
		{"suffix", "bytes=-100", size, &Range{900, 999}, nil},
		{"suffix longer than object", "bytes=-5000", size, &Range{0, 999}, nil},
		{"unit is case-insensitive", "Bytes=0-1", size, &Range{0, 1}, nil},
		{"surrounding space", " bytes=0-1 ", size, &Range{0, 1}, nil},
		{"huge end saturates", "bytes=1-99999999999999999999999", size, &Range{1, 999}, nil},

		{"start at size", "bytes=1000-", size, nil, ErrUnsatisfiableRange},
		{"start past size", "bytes=2000-3000", size, nil, ErrUnsatisfiableRange},
		{"huge start", "bytes=99999999999999999999999-", size, nil, ErrUnsatisfiableRange},
		{"zero suffix", "bytes=-0", size, nil, ErrUnsatisfiableRange},
		{"empty object", "bytes=0-", 0, nil, ErrUnsatisfiableRange},
		{"empty object suffix", "bytes=-1", 0, nil, ErrUnsatisfiableRange},

		// Ignored (RFC 7233: invalid or unknown-unit headers MUST be ignored).
		{"multiple ranges", "bytes=0-1,5-6", size, nil, nil},
		{"other unit", "items=0-1", size, nil, nil},
		{"no equals", "bytes 0-1", size, nil, nil},
		{"no dash", "bytes=5", size, nil, nil},
		{"end before start", "bytes=10-5", size, nil, nil},
		{"negative start", "bytes=--5", size, nil, nil},
		{"signed number", "bytes=+1-5", size, nil, nil},
		{"letters", "bytes=a-b", size, nil, nil},
		{"dash only", "bytes=-", size, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRange(tt.header, tt.size)
			if !errors.Is(err, tt.err) {
				t.Fatalf("ParseRange(%q, %d) error = %v, want %v", tt.header, tt.size, err, tt.err)
			}
			switch {
			case got == nil && tt.want == nil:
			case got == nil || tt.want == nil || *got != *tt.want:
				t.Fatalf("ParseRange(%q, %d) = %+v, want %+v", tt.header, tt.size, got, tt.want)
			}
		})
	}
}

func TestParseContentRange(t *testing.T) {
	tests := []struct {
		in           string
		start, total int64
		ok           bool
	}{
		{"bytes 0-99/1000", 0, 1000, true},
		{"bytes 900-999/1000", 900, 1000, true},
		{"bytes */1000", 0, 0, false},
		{"0-99/1000", 0, 0, false},
		{"bytes 0-99", 0, 0, false},
	}
	for _, tt := range tests {
		start, total, ok := parseContentRange(tt.in)
		if ok != tt.ok || (ok && (start != tt.start || total != tt.total)) {
			t.Errorf("parseContentRange(%q) = %d, %d, %v; want %d, %d, %v", tt.in, start, total, ok, tt.start, tt.total, tt.ok)
		}
	}
}
