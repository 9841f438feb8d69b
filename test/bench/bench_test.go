// Package bench measures the API end to end on an embedded system (SQLite,
// in-process Redis/Kafka/S3): Go benchmarks over HTTP on loopback, run with
// `make bench`. Numbers from this machine are in docs/benchmarks.md.
package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cloudwego/hertz/pkg/common/hlog"
	"github.com/cloudwego/kitex/pkg/klog"

	"github.com/douyin-go/douyin/cmd/douyin/allinone/allinonetest"
)

type fixture struct {
	base  string
	token string
	user  int64
	video []byte
}

var (
	sharedOnce sync.Once
	shared     *fixture
	stopShared = func() {}
)

// TestMain stops the shared system after the last benchmark.
func TestMain(m *testing.M) {
	// The frameworks' own info logs would interleave with the results.
	klog.SetOutput(io.Discard)
	hlog.SetOutput(io.Discard)
	code := m.Run()
	stopShared()
	os.Exit(code)
}

// setup returns the system every benchmark shares: one user who published
// 30 videos of about 300 KB, started once.
func setup(b *testing.B) *fixture {
	b.Helper()
	sharedOnce.Do(func() { shared = start(b) })
	if shared == nil {
		b.Fatal("the shared system did not start")
	}
	return shared
}

func start(b *testing.B) *fixture {
	dir, err := os.MkdirTemp("", "douyin-bench-")
	if err != nil {
		b.Fatal(err)
	}
	// The embedded default as `make run` has it: SQLite, in-process servers.
	cfg := allinonetest.Config(b, dir)
	cfg.RateLimits.Mode = "off" // a load test, from one address
	stop := allinonetest.Start(b, cfg)
	stopShared = func() { _ = stop(); _ = os.RemoveAll(dir) }
	f := &fixture{base: "http://" + cfg.HTTPAddr}
	var reg struct {
		UserID int64  `json:"user_id"`
		Token  string `json:"token"`
	}
	post(b, f.base+"/douyin/user/register/?username=bench&password=bench-pw", &reg)
	f.token, f.user = reg.Token, reg.UserID
	f.video = makeVideo(b, dir)
	for i := 0; i < 30; i++ {
		f.publish(b)
	}
	return f
}

func (f *fixture) publish(b *testing.B) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("token", f.token)
	_ = w.WriteField("title", "bench")
	fw, _ := w.CreateFormFile("data", "v.mp4")
	_, _ = fw.Write(f.video)
	_ = w.Close()
	res, err := http.Post(f.base+"/douyin/publish/action/", w.FormDataContentType(), &buf)
	if err != nil {
		b.Fatal(err)
	}
	expectOK(b, res, nil)
}

func BenchmarkFeedAnonymous(b *testing.B) {
	f := setup(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		get(b, f.base+"/douyin/feed/")
	}
}

func BenchmarkFeedWithToken(b *testing.B) {
	f := setup(b)
	u := f.base + "/douyin/feed/?token=" + f.token
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		get(b, u)
	}
}

func BenchmarkUserInfo(b *testing.B) {
	f := setup(b)
	u := fmt.Sprintf("%s/douyin/user/?token=%s&user_id=%d", f.base, f.token, f.user)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		get(b, u)
	}
}

func BenchmarkPublish(b *testing.B) {
	f := setup(b)
	b.SetBytes(int64(len(f.video)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.publish(b)
	}
}

func BenchmarkFavoriteToggle(b *testing.B) {
	f := setup(b)
	var feed struct {
		VideoList []struct {
			ID int64 `json:"id"`
		} `json:"video_list"`
	}
	getInto(b, f.base+"/douyin/feed/", &feed)
	like := url.Values{"token": {f.token}, "video_id": {fmt.Sprint(feed.VideoList[0].ID)}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		like.Set("action_type", fmt.Sprint(1+i%2))
		post(b, f.base+"/douyin/favorite/action/?"+like.Encode(), nil)
	}
}

func get(b *testing.B, u string) { getInto(b, u, nil) }

func getInto(b *testing.B, u string, into any) {
	res, err := http.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	expectOK(b, res, into)
}

func post(b *testing.B, u string, into any) {
	res, err := http.Post(u, "", nil)
	if err != nil {
		b.Fatal(err)
	}
	expectOK(b, res, into)
}

func expectOK(b *testing.B, res *http.Response, into any) {
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var status struct {
		StatusCode int32  `json:"status_code"`
		StatusMsg  string `json:"status_msg"`
	}
	if err := json.Unmarshal(raw, &status); err != nil || status.StatusCode != 0 {
		b.Fatalf("%s: %s", res.Request.URL.Path, raw)
	}
	if into != nil {
		_ = json.Unmarshal(raw, into)
	}
}

func makeVideo(b *testing.B, dir string) []byte {
	out := filepath.Join(dir, "v.mp4")
	if msg, err := exec.Command("ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=10:size=480x360:rate=25",
		"-pix_fmt", "yuv420p", "-b:v", "400k", "-y", out).CombinedOutput(); err != nil {
		b.Fatalf("ffmpeg: %v %s", err, msg)
	}
	data, _ := os.ReadFile(out)
	return data
}
