package moderation

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustNew(t *testing.T, words ...string) *Filter {
	t.Helper()
	f, err := New(words)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestMask(t *testing.T) {
	f := mustNew(t, "bad", "傻逼", "ab", "bc", "worse word")
	tests := []struct{ in, want string }{
		{"all good here", "all good here"},
		{"a bad day", "a *** day"},
		{"BAD and Bad", "*** and ***"},
		{"badbad", "******"},
		{"你是傻逼吗", "你是**吗"},
		{"b\u200ba\u200bd", "*****"},                   // zero-width spaces inside are masked too
		{"abc", "***"},                                 // overlapping words
		{"a worse word!", "a **********!"},             // phrases
		{"ünïcödé bad ünïcödé", "ünïcödé *** ünïcödé"}, // multi-byte text around a match
		{"", ""},
	}
	for _, tt := range tests {
		if got := f.Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if want := tt.in != tt.want; f.Contains(tt.in) != want {
			t.Errorf("Contains(%q) = %v, want %v", tt.in, !want, want)
		}
	}
}

func TestNoFilter(t *testing.T) {
	var f *Filter
	if f.Contains("bad") || f.Mask("bad") != "bad" {
		t.Fatal("a nil filter filtered")
	}
	if f, err := Load(NoList); err != nil || f != nil {
		t.Fatalf("Load(none) = %v, %v; want no filter", f, err)
	}
	if f, err := Parse(strings.NewReader("# only comments\n\n")); err != nil || f != nil {
		t.Fatalf("an empty list gave %v, %v", f, err)
	}
}

func TestLoad(t *testing.T) {
	def, err := Load("")
	if err != nil || !def.Contains("you FUCK") || !def.Contains("傻逼") || def.Contains("hello") {
		t.Fatalf("the built-in list: %v", err)
	}
	path := filepath.Join(t.TempDir(), "words.txt")
	if err := os.WriteFile(path, []byte("# ours\nFoo Bar\n  baz  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Mask("a foo bar and BAZ") != "a ******* and ***" || f.Contains("fuck") {
		t.Fatalf("file list: %q", f.Mask("a foo bar and BAZ"))
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.txt")); err == nil {
		t.Fatal("a missing list file was accepted")
	}
}

func FuzzMask(f *testing.F) {
	filter, err := New([]string{"bad", "傻逼", "ab", "bc"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("a bad day")
	f.Add("b\u200bad 傻\u200b逼")
	f.Add("\xff\xfebad")
	f.Fuzz(func(t *testing.T, s string) {
		masked := filter.Mask(s)
		if len([]rune(masked)) != len([]rune(s)) {
			t.Fatalf("Mask(%q) = %q changed the length", s, masked)
		}
		if filter.Contains(masked) {
			t.Fatalf("Mask(%q) = %q still holds a word", s, masked)
		}
	})
}

// BenchmarkMask is the cost of masking one 500-character comment (the
// longest allowed) with the built-in list.
func BenchmarkMask(b *testing.B) {
	f := BuiltIn()
	text := strings.Repeat("这个视频很好看 nice video ", 25)
	b.ReportAllocs()
	for b.Loop() {
		f.Mask(text)
	}
}
