// Package media checks uploaded videos and extracts covers with the
// ffprobe and ffmpeg binaries. Arguments go straight to exec (never a
// shell), input paths are passed as "file:" URLs so a name cannot be read
// as an option or a protocol, and only the file protocol and a short list
// of video containers are enabled: playlists (HLS, concat) in an upload
// could otherwise make ffmpeg read other local files or URLs.
package media

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrNotVideo is returned (wrapped, with ffmpeg's reason) for files that
// are not a complete, decodable video: text, images, audio, empty or
// truncated files.
var ErrNotVideo = errors.New("not a playable video")

// containers are the demuxers ffmpeg may use on uploads (matched per name
// component, so "mov" admits "mov,mp4,m4a,3gp,3g2,mj2"). Image demuxers
// (image2, png_pipe, jpeg_pipe, …) are deliberately absent.
const containers = "mov,mp4,matroska,webm,avi,flv,mpegts,ogg"

// decodeCheck is how much of the start of a video Probe actually decodes:
// enough to catch corrupt streams without paying for a full decode.
const decodeCheck = 3 * time.Second

// stillImageCodecs show up as "video" streams but hold pictures (a PNG in
// an mp4, cover art), which no player treats as a video. Motion JPEG is
// rejected too: browsers cannot play it in <video>.
var stillImageCodecs = map[string]bool{
	"png": true, "apng": true, "mjpeg": true, "jpeg2000": true, "jpegls": true,
	"bmp": true, "gif": true, "webp": true, "tiff": true,
}

// Prober runs ffprobe and ffmpeg at the given paths. Each run is killed
// after Timeout, and its output is bounded by MaxOutput bytes: a crafted
// file must cost neither unbounded time nor unbounded memory.
type Prober struct {
	FFmpeg, FFprobe string
	Timeout         time.Duration
	MaxOutput       int
}

// Default bounds of one run.
const (
	DefaultTimeout   = time.Minute
	DefaultMaxOutput = 16 << 20
)

// NewProber finds ffmpeg and ffprobe on PATH; each run is killed after
// timeout (DefaultTimeout when 0).
func NewProber(timeout time.Duration) (*Prober, error) {
	ffmpeg, err1 := exec.LookPath("ffmpeg")
	ffprobe, err2 := exec.LookPath("ffprobe")
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("media: ffmpeg and ffprobe are required (apt-get install -y ffmpeg): %w", err)
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Prober{FFmpeg: ffmpeg, FFprobe: ffprobe, Timeout: timeout, MaxOutput: DefaultMaxOutput}, nil
}

// Info describes a video. Width and Height are the display size: a phone
// video stored landscape with a 90° rotation flag reports portrait, which
// matches the cover Cover extracts (ffmpeg applies the rotation).
type Info struct {
	Duration   time.Duration
	Width      int
	Height     int
	VideoCodec string // ffprobe codec_name, e.g. "h264"
	FormatName string // ffprobe format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
}

// probeOutput is the part of ffprobe's JSON that Probe reads.
type probeOutput struct {
	Packets []struct {
		PTS      string `json:"pts_time"`
		Duration string `json:"duration_time"`
	} `json:"packets"`
	Streams []struct {
		CodecName     string            `json:"codec_name"`
		Width         int               `json:"width"`
		Height        int               `json:"height"`
		StartTime     string            `json:"start_time"`
		Duration      string            `json:"duration"`
		NbFrames      string            `json:"nb_frames"`
		NbReadPackets string            `json:"nb_read_packets"`
		Tags          map[string]string `json:"tags"`
		SideData      []struct {
			Rotation float64 `json:"rotation"`
		} `json:"side_data_list"`
	} `json:"streams"`
	Format struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
	} `json:"format"`
}

// Probe checks that path is a complete video and describes it. Besides
// reading the metadata it reads every packet of the video stream, because
// a cut-off mp4 whose index (moov) comes first still reports its full
// duration; and it decodes the first seconds, because a container can be
// intact around an undecodable stream.
func (p *Prober) Probe(ctx context.Context, path string) (Info, error) {
	in, err := inputURL(path)
	if err != nil {
		return Info{}, err
	}
	out, err := p.run(ctx, p.FFprobe, "-v", "error",
		"-protocol_whitelist", "file", "-format_whitelist", containers,
		"-select_streams", "V:0", // first video stream that is not cover art
		"-count_packets", "-show_entries", "packet=pts_time,duration_time",
		"-show_streams", "-show_format", "-print_format", "json", in)
	if err != nil {
		return Info{}, err
	}
	var po probeOutput
	if err := json.Unmarshal(out, &po); err != nil {
		return Info{}, fmt.Errorf("media: parse ffprobe output: %w", err)
	}
	if len(po.Streams) == 0 {
		return Info{}, fmt.Errorf("media: %w: no video stream", ErrNotVideo)
	}
	s := po.Streams[0]
	if stillImageCodecs[s.CodecName] {
		return Info{}, fmt.Errorf("media: %w: %s is a picture codec", ErrNotVideo, s.CodecName)
	}
	if s.Width <= 0 || s.Height <= 0 {
		return Info{}, fmt.Errorf("media: %w: no frame size", ErrNotVideo)
	}
	dur := seconds(po.Format.Duration)
	if dur <= 0 {
		return Info{}, fmt.Errorf("media: %w: no duration", ErrNotVideo)
	}

	// Truncation: fewer packets than the container's index lists (mp4,
	// mov), or packets that stop well before the stream's own stated
	// duration (also covers Matroska/WebM, which have no frame count).
	got, _ := strconv.Atoi(s.NbReadPackets)
	if got == 0 {
		return Info{}, fmt.Errorf("media: %w: no frames", ErrNotVideo)
	}
	if want, _ := strconv.Atoi(s.NbFrames); got < want {
		return Info{}, fmt.Errorf("media: %w: truncated, %d of %d frames present", ErrNotVideo, got, want)
	}
	streamDur := seconds(s.Duration)
	if streamDur <= 0 {
		streamDur = clockSeconds(s.Tags["DURATION"]) // Matroska per-track tag
	}
	if streamDur > 0 {
		end := 0.0
		for _, pk := range po.Packets {
			end = math.Max(end, seconds(pk.PTS)+math.Max(seconds(pk.Duration), 0))
		}
		end -= seconds(s.StartTime) // mpegts starts at ~1.4 s, mp4 edit lists below 0
		if tol := math.Max(1, streamDur/50); end < streamDur-tol {
			return Info{}, fmt.Errorf("media: %w: truncated, packets end at %.2fs of %.2fs", ErrNotVideo, end, streamDur)
		}
	}

	if _, err := p.run(ctx, p.FFmpeg, "-nostdin", "-v", "error", "-xerror",
		"-protocol_whitelist", "file", "-format_whitelist", containers,
		"-t", strconv.FormatFloat(decodeCheck.Seconds(), 'f', -1, 64), "-i", in,
		"-map", "0:V:0", "-f", "null", "-"); err != nil {
		return Info{}, err
	}

	info := Info{
		Duration:   time.Duration(dur * float64(time.Second)),
		Width:      s.Width,
		Height:     s.Height,
		VideoCodec: s.CodecName,
		FormatName: po.Format.FormatName,
	}
	for _, sd := range s.SideData {
		if r := math.Mod(math.Abs(sd.Rotation), 180); r == 90 {
			info.Width, info.Height = info.Height, info.Width
		}
	}
	return info, nil
}

// Cover writes a JPEG of the first frame of videoPath to jpegPath. -ss 0
// works for videos of any length; "-update 1" keeps a "%d" in jpegPath
// from being read as an image-sequence pattern.
func (p *Prober) Cover(ctx context.Context, videoPath, jpegPath string) error {
	in, err := inputURL(videoPath)
	if err != nil {
		return err
	}
	out, err := filepath.Abs(jpegPath)
	if err != nil {
		return fmt.Errorf("media: cover: %w", err)
	}
	if _, err := p.run(ctx, p.FFmpeg, "-nostdin", "-v", "error", "-y",
		"-protocol_whitelist", "file", "-format_whitelist", containers,
		"-ss", "0", "-i", in, "-map", "0:V:0", "-frames:v", "1", "-q:v", "3",
		"-c:v", "mjpeg", "-f", "image2", "-update", "1", "file:"+out); err != nil {
		return fmt.Errorf("media: cover: %w", err)
	}
	// ffmpeg exits 0 without writing when no frame could be decoded.
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		return fmt.Errorf("media: cover: %w: no frame decoded", ErrNotVideo)
	}
	return nil
}

// Container is how a probed file is stored and served.
type Container struct {
	ContentType string // MIME type to serve it with
	Extension   string // of its object key, with the dot
}

// servedAs maps each of containers to how it is served. The
// mov/mp4 family is served as video/mp4 (browsers play H.264 .mov files
// under that type, not under video/quicktime), and Matroska as video/webm
// since ffprobe names both "matroska,webm".
var servedAs = map[string]Container{
	"mov":      {"video/mp4", ".mp4"},
	"mp4":      {"video/mp4", ".mp4"},
	"matroska": {"video/webm", ".webm"},
	"webm":     {"video/webm", ".webm"},
	"avi":      {"video/x-msvideo", ".avi"},
	"flv":      {"video/x-flv", ".flv"},
	"mpegts":   {"video/mp2t", ".ts"},
	"ogg":      {"video/ogg", ".ogv"},
}

// ContainerOf is how a file ffprobe names formatName (a comma-separated
// list, such as "mov,mp4,m4a,3gp,3g2,mj2") is served; MP4 when none is known.
func ContainerOf(formatName string) Container {
	for _, name := range strings.Split(formatName, ",") {
		if c, ok := servedAs[strings.TrimSpace(name)]; ok {
			return c
		}
	}
	return servedAs["mp4"]
}

// inputURL turns a local path into a "file:" URL for ffmpeg, first making
// sure it exists: a missing file is our bug, not a bad upload.
func inputURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("media: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("media: %w", err)
	}
	return "file:" + abs, nil
}

// run executes a binary and returns its stdout. A failure is reported as
// ErrNotVideo with the start of stderr, unless ctx ended or the binary
// could not be started. A run past the time bound, or writing more than
// the output bound, is killed and the file judged not a video.
func (p *Prober) run(ctx context.Context, bin string, args ...string) ([]byte, error) {
	runCtx, cancel := context.WithTimeout(ctx, cmp.Or(p.Timeout, DefaultTimeout))
	defer cancel()
	stdout := &limited{max: cmp.Or(p.MaxOutput, DefaultMaxOutput), overflow: cancel}
	stderr := &capped{max: 2048}
	cmd := exec.CommandContext(runCtx, bin, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = time.Second // don't hang on pipes if a killed child leaves them open
	err := cmd.Run()
	switch {
	case err == nil && !stdout.over:
		return stdout.buf.Bytes(), nil
	case ctx.Err() != nil:
		return nil, fmt.Errorf("media: %s: %w", filepath.Base(bin), ctx.Err())
	case stdout.over:
		return nil, fmt.Errorf("media: %w: %s wrote more than %d bytes", ErrNotVideo, filepath.Base(bin), stdout.max)
	case runCtx.Err() != nil:
		return nil, fmt.Errorf("media: %w: %s took longer than %s", ErrNotVideo, filepath.Base(bin), cmp.Or(p.Timeout, DefaultTimeout))
	case errors.As(err, new(*exec.ExitError)):
		return nil, fmt.Errorf("media: %w: %s", ErrNotVideo, strings.TrimSpace(stderr.String()))
	default:
		return nil, fmt.Errorf("media: run %s: %w", bin, err)
	}
}

// limited keeps what is written up to max bytes; past that it stops the
// run (overflow) and fails the write, so the child is killed rather than
// buffered without bound.
type limited struct {
	buf      bytes.Buffer
	max      int
	over     bool
	overflow func()
}

func (l *limited) Write(b []byte) (int, error) {
	if l.buf.Len()+len(b) > l.max {
		l.over = true
		l.overflow()
		return 0, errOutputTooLarge
	}
	return l.buf.Write(b)
}

var errOutputTooLarge = errors.New("media: output too large")

// capped keeps the first max bytes written; a broken file can make ffmpeg
// log an error per packet.
type capped struct {
	buf bytes.Buffer
	max int
}

func (c *capped) Write(b []byte) (int, error) {
	if room := c.max - c.buf.Len(); room > 0 {
		c.buf.Write(b[:min(len(b), room)])
	}
	return len(b), nil
}

func (c *capped) String() string { return c.buf.String() }

// seconds parses ffprobe's decimal seconds; "N/A" or "" give 0.
func seconds(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// clockSeconds parses "HH:MM:SS.fraction" (Matroska DURATION tags).
func clockSeconds(s string) float64 {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	sec, err3 := strconv.ParseFloat(parts[2], 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return 0
	}
	return float64(h*3600+m*60) + sec
}
