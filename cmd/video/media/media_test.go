package media

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// newTestProber fails the test when ffmpeg is missing (it skips only in
// the quick tier, -short, which runs no separate processes).
func newTestProber(t *testing.T) *Prober {
	t.Helper()
	skipInQuickTier(t)
	p, err := NewProber(0)
	if err != nil {
		t.Fatalf("these tests need ffmpeg and ffprobe: %v", err)
	}
	return p
}

// ffmpeg makes a test input; args must end with the output path.
func ffmpeg(t *testing.T, args ...string) string {
	t.Helper()
	skipInQuickTier(t)
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatalf("ffmpeg not found (apt-get install -y ffmpeg): %v", err)
	}
	cmd := exec.Command(bin, append([]string{"-nostdin", "-v", "error", "-y"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
	}
	return args[len(args)-1]
}

// testVideo makes an H.264 mp4 with an audio track; extra args go before
// the output (e.g. "-movflags", "+faststart").
func testVideo(t *testing.T, path string, seconds string, extra ...string) string {
	args := []string{
		"-f", "lavfi", "-i", "testsrc=duration=" + seconds + ":size=320x240:rate=25",
		"-f", "lavfi", "-i", "sine=duration=" + seconds,
		"-pix_fmt", "yuv420p", "-shortest",
	}
	return ffmpeg(t, append(append(args, extra...), path)...)
}

// truncated copies the first half of src.
func truncated(t *testing.T, src, dst string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProbe(t *testing.T) {
	p := newTestProber(t)
	const mov = "mov,mp4,m4a,3gp,3g2,mj2"
	tests := []struct {
		name string
		make func(t *testing.T, dir string) string
		want Info // zero: want ErrNotVideo
	}{
		{"mp4", func(t *testing.T, d string) string {
			return testVideo(t, filepath.Join(d, "v.mp4"), "2")
		}, Info{2 * time.Second, 320, 240, "h264", mov}},
		{"faststart mp4", func(t *testing.T, d string) string {
			return testVideo(t, filepath.Join(d, "v.mp4"), "2", "-movflags", "+faststart")
		}, Info{2 * time.Second, 320, 240, "h264", mov}},
		{"no file extension", func(t *testing.T, d string) string {
			return testVideo(t, filepath.Join(d, "upload"), "2", "-f", "mp4")
		}, Info{2 * time.Second, 320, 240, "h264", mov}},
		{"shorter than a second", func(t *testing.T, d string) string {
			return testVideo(t, filepath.Join(d, "v.mp4"), "0.4")
		}, Info{400 * time.Millisecond, 320, 240, "h264", mov}},
		{"rotated phone video reports display size", func(t *testing.T, d string) string {
			src := testVideo(t, filepath.Join(d, "src.mp4"), "1")
			return ffmpeg(t, "-i", src, "-c", "copy", "-metadata:s:v:0", "rotate=90", filepath.Join(d, "v.mp4"))
		}, Info{time.Second, 240, 320, "h264", mov}},
		{"webm", func(t *testing.T, d string) string {
			return ffmpeg(t, "-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=25",
				"-c:v", "libvpx", "-b:v", "200k", filepath.Join(d, "v.webm"))
		}, Info{2 * time.Second, 320, 240, "vp8", "matroska,webm"}},

		{"text file", func(t *testing.T, d string) string {
			return writeFile(t, filepath.Join(d, "notes.mp4"), "hello, this is not a video\n")
		}, Info{}},
		{"empty file", func(t *testing.T, d string) string {
			return writeFile(t, filepath.Join(d, "empty.mp4"), "")
		}, Info{}},
		{"png image", func(t *testing.T, d string) string {
			return ffmpeg(t, "-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", filepath.Join(d, "x.png"))
		}, Info{}},
		{"png image named .mp4", func(t *testing.T, d string) string {
			return ffmpeg(t, "-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", "-f", "image2", filepath.Join(d, "x.mp4"))
		}, Info{}},
		{"jpeg image", func(t *testing.T, d string) string {
			return ffmpeg(t, "-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", filepath.Join(d, "x.jpg"))
		}, Info{}},
		{"gif", func(t *testing.T, d string) string {
			return ffmpeg(t, "-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=10", filepath.Join(d, "x.gif"))
		}, Info{}},
		{"png picture inside mp4", func(t *testing.T, d string) string {
			return ffmpeg(t, "-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=5", "-c:v", "png", filepath.Join(d, "x.mp4"))
		}, Info{}},
		{"audio only", func(t *testing.T, d string) string {
			return ffmpeg(t, "-f", "lavfi", "-i", "sine=duration=2", filepath.Join(d, "a.m4a"))
		}, Info{}},
		{"truncated mp4 (index at end)", func(t *testing.T, d string) string {
			return truncated(t, testVideo(t, filepath.Join(d, "v.mp4"), "2"), filepath.Join(d, "cut.mp4"))
		}, Info{}},
		{"truncated faststart mp4", func(t *testing.T, d string) string {
			src := testVideo(t, filepath.Join(d, "v.mp4"), "2", "-movflags", "+faststart")
			return truncated(t, src, filepath.Join(d, "cut.mp4"))
		}, Info{}},
		// Cut well past the decoded first seconds: only the packet count
		// against the index can tell.
		{"truncated long faststart mp4", func(t *testing.T, d string) string {
			src := testVideo(t, filepath.Join(d, "v.mp4"), "20", "-movflags", "+faststart", "-s", "160x120")
			return truncated(t, src, filepath.Join(d, "cut.mp4"))
		}, Info{}},
		{"truncated long webm", func(t *testing.T, d string) string {
			src := ffmpeg(t, "-f", "lavfi", "-i", "testsrc=duration=20:size=160x120:rate=25",
				"-c:v", "libvpx", "-b:v", "200k", filepath.Join(d, "v.webm"))
			return truncated(t, src, filepath.Join(d, "cut.webm"))
		}, Info{}},
		// The index and packets are intact; only decoding notices.
		{"garbage inside the first seconds", func(t *testing.T, d string) string {
			src := testVideo(t, filepath.Join(d, "v.mp4"), "2", "-movflags", "+faststart")
			b, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			for i := len(b) / 3; i < len(b)/3+3000; i++ {
				b[i] = byte(i * 131)
			}
			return writeFile(t, filepath.Join(d, "bad.mp4"), string(b))
		}, Info{}},
		{"HLS playlist pointing at a local file", func(t *testing.T, d string) string {
			testVideo(t, filepath.Join(d, "seg.ts"), "2", "-f", "mpegts")
			return writeFile(t, filepath.Join(d, "list.mp4"),
				"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nseg.ts\n#EXT-X-ENDLIST\n")
		}, Info{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := tt.make(t, t.TempDir())
			got, err := p.Probe(context.Background(), path)
			if tt.want == (Info{}) {
				if !errors.Is(err, ErrNotVideo) {
					t.Fatalf("Probe = %+v, %v; want ErrNotVideo", got, err)
				}
				t.Logf("rejected: %v", err)
				return
			}
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			// Container durations are rounded to the timebase; allow 50 ms.
			if d := got.Duration - tt.want.Duration; d < -50*time.Millisecond || d > 50*time.Millisecond {
				t.Fatalf("Duration = %v, want %v", got.Duration, tt.want.Duration)
			}
			got.Duration = tt.want.Duration
			if got != tt.want {
				t.Fatalf("Probe = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestProbeErrors(t *testing.T) {
	p := newTestProber(t)
	dir := t.TempDir()

	// A missing file is a caller bug, not a bad upload.
	if _, err := p.Probe(context.Background(), filepath.Join(dir, "missing.mp4")); err == nil || errors.Is(err, ErrNotVideo) {
		t.Fatalf("Probe(missing) = %v, want a plain error", err)
	}

	video := testVideo(t, filepath.Join(dir, "v.mp4"), "1")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Probe(ctx, video); !errors.Is(err, context.Canceled) {
		t.Fatalf("Probe(canceled ctx) = %v, want context.Canceled", err)
	}
}

func TestCover(t *testing.T) {
	p := newTestProber(t)
	tests := []struct {
		name          string
		make          func(t *testing.T, dir string) string
		out           string // file name for the JPEG
		width, height int    // 0: want an error
	}{
		{"mp4", func(t *testing.T, d string) string {
			return testVideo(t, filepath.Join(d, "v.mp4"), "2")
		}, "cover.jpg", 320, 240},
		{"shorter than a second", func(t *testing.T, d string) string {
			return testVideo(t, filepath.Join(d, "v.mp4"), "0.2")
		}, "cover.jpg", 320, 240},
		{"rotated video gives an upright cover", func(t *testing.T, d string) string {
			src := testVideo(t, filepath.Join(d, "src.mp4"), "1")
			return ffmpeg(t, "-i", src, "-c", "copy", "-metadata:s:v:0", "rotate=90", filepath.Join(d, "v.mp4"))
		}, "cover.jpg", 240, 320},
		{"odd names are not options or patterns", func(t *testing.T, d string) string {
			return testVideo(t, filepath.Join(d, "-i v%d.mp4"), "1")
		}, "-cover%03d.jpg", 320, 240},
		{"text file", func(t *testing.T, d string) string {
			return writeFile(t, filepath.Join(d, "x.mp4"), "not a video")
		}, "cover.jpg", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			video := tt.make(t, dir)
			out := filepath.Join(dir, tt.out)
			err := p.Cover(context.Background(), video, out)
			if tt.width == 0 {
				if err == nil {
					t.Fatal("Cover: want an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("Cover: %v", err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatalf("read cover: %v", err)
			}
			if !bytes.HasPrefix(b, []byte{0xFF, 0xD8}) {
				t.Fatalf("cover starts % x, want JPEG magic FF D8", b[:min(len(b), 4)])
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
			if err != nil || cfg.Width != tt.width || cfg.Height != tt.height {
				t.Fatalf("cover %dx%d (%v), want %dx%d", cfg.Width, cfg.Height, err, tt.width, tt.height)
			}
		})
	}
}

func TestContainerOf(t *testing.T) {
	tests := []struct{ format, wantType, wantExt string }{
		{"mov,mp4,m4a,3gp,3g2,mj2", "video/mp4", ".mp4"},
		{"mp4", "video/mp4", ".mp4"},
		{"matroska,webm", "video/webm", ".webm"},
		{"webm", "video/webm", ".webm"},
		{"avi", "video/x-msvideo", ".avi"},
		{"flv", "video/x-flv", ".flv"},
		{"mpegts", "video/mp2t", ".ts"},
		{"ogg", "video/ogg", ".ogv"},
		{"", "video/mp4", ".mp4"},
		{"something-new", "video/mp4", ".mp4"},
	}
	for _, tt := range tests {
		if got := ContainerOf(tt.format); got.ContentType != tt.wantType || got.Extension != tt.wantExt {
			t.Errorf("ContainerOf(%q) = %+v, want %s %s", tt.format, got, tt.wantType, tt.wantExt)
		}
	}
}

// Every container uploads may use is served, and nothing else.
func TestEveryAllowedContainerIsServed(t *testing.T) {
	allowed := strings.Split(containers, ",")
	if len(allowed) != len(servedAs) {
		t.Fatalf("%d containers allowed, %d served", len(allowed), len(servedAs))
	}
	for _, name := range allowed {
		if _, ok := servedAs[name]; !ok {
			t.Errorf("container %q is allowed but not served", name)
		}
	}
}

func TestNewProberMissingBinaries(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := NewProber(0)
	if err == nil || !strings.Contains(err.Error(), "apt-get install -y ffmpeg") {
		t.Fatalf("NewProber with empty PATH = %v, want a hint to apt-get install -y ffmpeg", err)
	}
}

// fakeBinary writes an executable shell script running body.
func fakeBinary(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// A run that hangs is killed at the time bound, and one that writes
// without end at the output bound; either way the upload is judged not a
// video, and nothing waits for the child.
func TestRunsAreBounded(t *testing.T) {
	input := filepath.Join(t.TempDir(), "in.mp4")
	if err := os.WriteFile(input, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		prober  *Prober
		wantMsg string
	}{
		{"hangs", &Prober{FFprobe: fakeBinary(t, "exec sleep 600"), Timeout: 200 * time.Millisecond}, "took longer than"},
		{"endless output", &Prober{FFprobe: fakeBinary(t, "exec yes probe-output"), Timeout: time.Minute, MaxOutput: 1 << 20}, "wrote more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.prober.Probe(context.Background(), input)
			if !errors.Is(err, ErrNotVideo) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("Probe = %v, want ErrNotVideo saying %q", err, tt.wantMsg)
			}
		})
	}
}

func skipInQuickTier(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs ffmpeg and ffprobe: not in the quick tier (-short)")
	}
}
