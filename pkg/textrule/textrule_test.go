package textrule

import (
	"errors"
	"testing"

	"github.com/douyin-go/douyin/pkg/errno"
)

func TestText(t *testing.T) {
	tests := []struct {
		name      string
		s         string
		multiline bool
		ok        bool
	}{
		{"plain", "hello 世界 😀", false, true},
		{"empty", "", false, true},
		{"emoji with zero-width joiner", "👩\u200d👩\u200d👧", false, true},
		{"invalid UTF-8", "bad \xff\xfe", false, false},
		{"truncated rune", "\xe4\xb8", false, false},
		{"NUL", "a\x00b", false, false},
		{"escape", "a\x1b[31mred", false, false},
		{"DEL", "a\x7fb", false, false},
		{"C1 control", "a\u0085b", false, false},
		{"line separator", "a\u2028b", false, false},
		{"newline in one line", "a\nb", false, false},
		{"newline in multi-line", "a\nb\r\n\tc", true, true},
		{"NUL in multi-line", "a\n\x00", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Text("comment_text", tt.s, tt.multiline)
			if (err == nil) != tt.ok {
				t.Fatalf("Text(%q) = %v, want ok=%v", tt.s, err, tt.ok)
			}
			if err != nil && !errors.Is(err, errno.ParamErr) {
				t.Fatalf("error %v is not a ParamErr", err)
			}
		})
	}
}

func TestName(t *testing.T) {
	for _, s := range []string{"alice", "张三", "o'brien", "a b"} {
		if err := Name("username", s); err != nil {
			t.Errorf("Name(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"ali\u200bce", "\u202eecila", "a\u2066b", "\ufeffbob", "a\u00adb", "a\u200db", "a\tb", "bad\xff"} {
		if err := Name("username", s); !errors.Is(err, errno.ParamErr) {
			t.Errorf("Name(%q) = %v, want ParamErr", s, err)
		}
	}
}
