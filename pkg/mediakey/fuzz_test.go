package mediakey

import (
	"path"
	"strings"
	"testing"
	"unicode/utf8"
)

// A key IsPublished accepts is always one plain name inside videos/ or
// covers/: no other folder, no traversal, no NUL, valid UTF-8, bounded.
func FuzzIsPublished(f *testing.F) {
	video, cover := NewPublished(".mp4")
	for _, seed := range []string{video, cover, NewUpload(), "videos/../uploads/x", "videos/a\x00.mp4",
		"videos/\xff.mp4", "covers/a/b.jpg", "videos/" + strings.Repeat("a", 1100), "videos/.", "videos/..."} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if !IsPublished(key) {
			return
		}
		dir, name := path.Split(key)
		switch {
		case dir != videosPrefix && dir != coversPrefix:
			t.Fatalf("%q accepted outside videos/ and covers/", key)
		case name == "" || name == "." || name == ".." || path.Clean(key) != key:
			t.Fatalf("%q accepted but is not a plain name", key)
		case strings.ContainsAny(key, "\x00\\") || !utf8.ValidString(key) || len(name) > maxNameLen:
			t.Fatalf("%q accepted with a NUL, a backslash, invalid UTF-8 or an over-long name", key)
		}
	})
}
