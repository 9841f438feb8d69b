package testutil

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
)

// MakeVideo has ffmpeg make a real MP4 (H.264, yuv420p, so browsers play
// it) of seconds from the lavfi test source (e.g. "testsrc", "testsrc2")
// at size (e.g. "320x240"), and returns its path.
func MakeVideo(t testing.TB, source string, seconds int, size string) string {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg is required: run `make ffmpeg` (or install ffmpeg)")
	}
	out := filepath.Join(t.TempDir(), "v.mp4")
	cmd := exec.Command(ffmpeg, "-loglevel", "error", "-f", "lavfi", "-i",
		fmt.Sprintf("%s=duration=%d:size=%s:rate=25", source, seconds, size), "-pix_fmt", "yuv420p", "-y", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make a test video: %v: %s", err, msg)
	}
	return out
}
