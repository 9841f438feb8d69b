package handler_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudwego/hertz/pkg/common/hlog"
	"github.com/cloudwego/kitex/client/callopt"

	"github.com/douyin-go/douyin/cmd/gateway/app"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/kitex_gen/video"
	"github.com/douyin-go/douyin/kitex_gen/video/videoservice"
	"github.com/douyin-go/douyin/pkg/cache"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/rpc"
	"github.com/douyin-go/douyin/pkg/storage"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// The gateway handlers run in the real gateway (cmd/gateway/app: streamed
// bodies, the 1 MiB body limit, panic recovery answering ServiceErr, its
// routes) on a free port, against a fake video service. Publish uses an
// in-memory store so the staged bytes can be checked; media uses the
// in-process S3 server.

const (
	secret      = "0123456789abcdef-test-secret"
	uploadLimit = 2 << 20 // above the server's 1 MiB body limit, so big uploads must stream
	maxFormBody = 1 << 20 // maxFormBytes in cmd/gateway/app
	userID      = int64(7)
	otherUserID = int64(8)
)

// gateway is a running Hertz server with the handlers under test.
type gateway struct {
	base   string
	videos *fakeVideoClient
	store  storage.Objects
	auth   *auth.Auth
}

var quietHertz sync.Once

// startGateway serves the real gateway (cmd/gateway/app: its server
// options, middleware and routes) over store with the given upload limit,
// on a free port, against a fake video service, with no rate limits.
func startGateway(t *testing.T, store storage.Objects, limit int64) *gateway {
	t.Helper()
	return startGatewayWith(t, store, nil, func(cfg *config.Config) { cfg.Upload.MaxBytes = limit })
}

// startGatewayWith is startGateway keeping its rate limits in cache (nil:
// none), with the default configuration changed by configure.
func startGatewayWith(t *testing.T, store storage.Objects, cache *cache.Client, configure func(*config.Config)) *gateway {
	t.Helper()
	quietHertz.Do(func() { hlog.SetLevel(hlog.LevelFatal) })
	a, err := auth.New([]byte(secret), time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	videos := &fakeVideoClient{store: store}
	cfg := config.Default()
	cfg.HTTPAddr = testutil.FreeAddrs(t, 1)[0]
	cfg.Upload.MaxBytes = uploadLimit
	cfg.HTTP.ExitWait = 50 * time.Millisecond // tests stop many gateways
	if configure != nil {
		configure(&cfg)
	}
	clients := &rpc.Clients{Video: videos, User: fakeUserClient{}, Interaction: fakeInteractionClient{}, Message: fakeMessageClient{}}
	gw, err := app.New(app.Deps{Config: cfg, Clients: clients, Auth: a, Objects: store, Cache: cache, Log: testutil.QuietLog()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = gw.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	readyCtx, stop := context.WithTimeout(ctx, 5*time.Second)
	defer stop()
	if err := gw.WaitReady(readyCtx); err != nil {
		t.Fatalf("gateway not ready: %v", err)
	}
	return &gateway{base: "http://" + cfg.HTTPAddr, videos: videos, store: store, auth: a}
}

func (g *gateway) token(t *testing.T, user int64) string {
	t.Helper()
	tok, err := g.auth.Issue(user)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// expiredToken is a token of user signed with the gateway's secret that
// expired an hour ago.
func expiredToken(t *testing.T, user int64) string {
	t.Helper()
	a, err := auth.New([]byte(secret), time.Hour, func() time.Time { return time.Now().Add(-2 * time.Hour) })
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.Issue(user)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// fakeVideoClient is the video service as the gateway sees it. Publish
// records each request with the bytes staged under its upload key at the
// time of the call. Methods not used by these handlers panic.
type fakeVideoClient struct {
	videoservice.Client
	store storage.Objects

	mu          sync.Mutex
	publishReqs []*video.PublishRequest
	staged      [][]byte
	publishResp *video.PublishResponse // nil: success
	publishErr  error

	feedReqs []*video.FeedRequest
	feedResp *video.FeedResponse
	feedErr  error
}

func (f *fakeVideoClient) Publish(ctx context.Context, req *video.PublishRequest, _ ...callopt.Option) (*video.PublishResponse, error) {
	var staged []byte
	if obj, err := f.store.Get(ctx, req.UploadKey, nil); err == nil {
		staged, _ = io.ReadAll(obj)
		obj.Close()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.publishReqs = append(f.publishReqs, req)
	f.staged = append(f.staged, staged)
	if f.publishErr != nil {
		return nil, f.publishErr
	}
	if f.publishResp != nil {
		return f.publishResp, nil
	}
	return &video.PublishResponse{BaseResp: errno.ToBaseResp(nil), VideoId: 99}, nil
}

func (f *fakeVideoClient) Feed(_ context.Context, req *video.FeedRequest, _ ...callopt.Option) (*video.FeedResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.feedReqs = append(f.feedReqs, req)
	if f.feedErr != nil {
		return nil, f.feedErr
	}
	if f.feedResp != nil {
		return f.feedResp, nil
	}
	return &video.FeedResponse{BaseResp: errno.ToBaseResp(nil)}, nil
}

// answerPublish sets what Publish answers from now on.
func (f *fakeVideoClient) answerPublish(resp *video.PublishResponse, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.publishResp, f.publishErr = resp, err
}

// answerFeed sets what Feed answers from now on.
func (f *fakeVideoClient) answerFeed(resp *video.FeedResponse, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.feedResp, f.feedErr = resp, err
}

func (f *fakeVideoClient) publishes() []*video.PublishRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*video.PublishRequest(nil), f.publishReqs...)
}

// memStore is an in-memory storage.Objects.
type memStore struct {
	mu      sync.Mutex
	objects map[string][]byte
	types   map[string]string
	deleted []string
	putErr  error
}

func newMemStore() *memStore {
	return &memStore{objects: map[string][]byte{}, types: map[string]string{}}
}

func (s *memStore) Put(_ context.Context, key string, r io.Reader, _ int64, contentType string) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.putErr != nil {
		return s.putErr
	}
	s.objects[key], s.types[key] = b, contentType
	return nil
}

func (s *memStore) PutFile(ctx context.Context, key, path, contentType string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return s.Put(ctx, key, f, -1, contentType)
}

func (s *memStore) Get(_ context.Context, key string, rng *storage.Range) (*storage.Object, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.objects[key]
	if !ok {
		return nil, storage.ErrNotFound
	}
	info := storage.ObjectInfo{Size: int64(len(b)), ContentType: s.types[key]}
	start, end := int64(0), int64(len(b))-1
	if rng != nil {
		start = rng.Start
		if rng.End >= 0 {
			end = rng.End
		}
	}
	return &storage.Object{ReadCloser: io.NopCloser(bytes.NewReader(b[start : end+1])), Info: info, Offset: start, Length: end - start + 1}, nil
}

func (s *memStore) Stat(_ context.Context, key string) (storage.ObjectInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.objects[key]
	if !ok {
		return storage.ObjectInfo{}, storage.ErrNotFound
	}
	return storage.ObjectInfo{Size: int64(len(b)), ContentType: s.types[key]}, nil
}

func (s *memStore) Delete(_ context.Context, keys ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		delete(s.objects, k)
		s.deleted = append(s.deleted, k)
	}
	return nil
}

func (s *memStore) DeleteOlder(context.Context, string, time.Time) (int, error) { return 0, nil }

func (s *memStore) Download(context.Context, string, string) error {
	return errors.New("memStore: Download is not used by the gateway")
}

func (s *memStore) deletedKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.deleted...)
}

func (s *memStore) keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ks []string
	for k := range s.objects {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// part is one field of a multipart form; a part with a file name is a file.
type part struct {
	name, filename string
	content        []byte
}

func field(name, value string) part { return part{name: name, content: []byte(value)} }

func file(name string, data []byte) part {
	return part{name: name, filename: "clip.mp4", content: data}
}

func dataPart(data []byte) part   { return file("data", data) }
func titlePart(title string) part { return field("title", title) }
func tokenPart(token string) part { return field("token", token) }

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16)})
	_, _ = r.Read(b)
	return b
}

// form encodes parts, in order, as a multipart body.
func form(t *testing.T, parts ...part) (body []byte, contentType string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		var pw io.Writer
		var err error
		if p.filename != "" {
			pw, err = w.CreateFormFile(p.name, p.filename)
		} else {
			pw, err = w.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pw.Write(p.content); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

// status is the part of every response body.
type status struct {
	StatusCode *int32 `json:"status_code"`
	StatusMsg  string `json:"status_msg"`
}

// decode reads a JSON response that must be HTTP 200 with a status.
func decode(t *testing.T, resp *http.Response, into any) status {
	t.Helper()
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP %d, want 200: %s", resp.StatusCode, raw)
	}
	var st status
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatalf("body %q is not JSON: %v", raw, err)
	}
	if st.StatusCode == nil || st.StatusMsg == "" {
		t.Fatalf("body %s lacks status_code or status_msg", raw)
	}
	if into != nil {
		if err := json.Unmarshal(raw, into); err != nil {
			t.Fatalf("body %q: %v", raw, err)
		}
	}
	return st
}

func wantStatus(t *testing.T, st status, want errno.ErrNo) {
	t.Helper()
	if *st.StatusCode != want.Code {
		t.Fatalf("status %d (%s), want %d (%s)", *st.StatusCode, st.StatusMsg, want.Code, want.Msg)
	}
}

// chunked hides the length of r so the client sends it chunked.
type chunked struct{ io.Reader }

// publish posts a publish form, with a Content-Length unless asChunked.
func (g *gateway) publish(t *testing.T, query url.Values, asChunked bool, parts ...part) status {
	t.Helper()
	body, ct := form(t, parts...)
	var r io.Reader = bytes.NewReader(body)
	if asChunked {
		r = chunked{r}
	}
	u := g.base + "/douyin/publish/action/"
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(http.MethodPost, u, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	return decode(t, g.send(t, req), nil)
}

// send writes req on a connection of its own while reading the answer, so
// a response sent before the upload is complete (the server refusing it
// early, then closing) is read rather than lost to a write error.
func (g *gateway) send(t *testing.T, req *http.Request) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(g.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	req.Close = true
	go func() { _ = req.Write(conn) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatalf("%s %s: no response: %v", req.Method, req.URL.Path, err)
	}
	return resp
}

// spoolDir points the gateway's temporary upload files at a fresh
// directory so a test can check none is left behind.
func spoolDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	return dir
}

func wantEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("temporary upload files left behind: %v", names)
	}
}
