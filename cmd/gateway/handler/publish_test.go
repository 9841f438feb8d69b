package handler_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/douyin-go/douyin/kitex_gen/video"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/errno"
)

func TestPublishStagesTheUpload(t *testing.T) {
	small := randomBytes(300<<10, 1)
	big := randomBytes(maxFormBody+maxFormBody/2, 2) // over the server's body limit
	g := startGateway(t, newMemStore(), uploadLimit)
	tok, otherTok := g.token(t, userID), g.token(t, otherUserID)
	tests := []struct {
		name       string
		query      url.Values
		chunked    bool
		parts      []part
		wantAuthor int64
		wantTitle  string
		wantData   []byte
	}{
		{"token, title, data", nil, false,
			[]part{tokenPart(tok), titlePart("hello"), dataPart(small)}, userID, "hello", small},
		{"data first", nil, false,
			[]part{dataPart(small), titlePart("hello"), tokenPart(tok)}, userID, "hello", small},
		{"unknown fields ignored", nil, false,
			[]part{titlePart("hello"), field("foo", "bar"), dataPart(small), file("extra", []byte("x")), tokenPart(tok)}, userID, "hello", small},
		{"chunked body", nil, true,
			[]part{tokenPart(tok), titlePart("hello"), dataPart(small)}, userID, "hello", small},
		{"body over the server limit streams", nil, false,
			[]part{tokenPart(tok), titlePart("big"), dataPart(big)}, userID, "big", big},
		{"chunked body over the server limit streams", nil, true,
			[]part{dataPart(big), tokenPart(tok), titlePart("big")}, userID, "big", big},
		{"exactly the upload limit", nil, false,
			[]part{tokenPart(tok), titlePart("max"), dataPart(randomBytes(uploadLimit, 3))}, userID, "max", randomBytes(uploadLimit, 3)},
		{"token in the query string", url.Values{"token": {tok}}, false,
			[]part{titlePart("q"), dataPart(small)}, userID, "q", small},
		{"query token wins over the form's", url.Values{"token": {tok}}, false,
			[]part{tokenPart(otherTok), titlePart("q"), dataPart(small)}, userID, "q", small},
		{"query title wins over the form's", url.Values{"title": {"from query"}}, false,
			[]part{tokenPart(tok), titlePart("from form"), dataPart(small)}, userID, "from query", small},
		{"title kept as sent, multibyte", nil, false,
			[]part{tokenPart(tok), titlePart(" 我的视频 😀 "), dataPart(small)}, userID, " 我的视频 😀 ", small},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := spoolDir(t)
			before := len(g.videos.publishes())
			st := g.publish(t, tt.query, tt.chunked, tt.parts...)
			wantStatus(t, st, errno.Success)
			reqs := g.videos.publishes()
			if len(reqs) != before+1 {
				t.Fatalf("%d Publish calls, want 1", len(reqs)-before)
			}
			req := reqs[len(reqs)-1]
			if req.AuthorId != tt.wantAuthor || req.Title != tt.wantTitle || !strings.HasPrefix(req.UploadKey, "uploads/") {
				t.Fatalf("Publish(%d, %q, %q), want (%d, %q, uploads/…)", req.AuthorId, req.Title, req.UploadKey, tt.wantAuthor, tt.wantTitle)
			}
			g.videos.mu.Lock()
			staged := g.videos.staged[len(g.videos.staged)-1]
			g.videos.mu.Unlock()
			if !bytes.Equal(staged, tt.wantData) {
				t.Fatalf("staged %d bytes, want the %d bytes uploaded", len(staged), len(tt.wantData))
			}
			wantEmptyDir(t, dir)
		})
	}
	// Every upload got a key of its own.
	seen := map[string]bool{}
	for _, r := range g.videos.publishes() {
		if seen[r.UploadKey] {
			t.Fatalf("upload key %q used twice", r.UploadKey)
		}
		seen[r.UploadKey] = true
	}
}

func TestPublishRejects(t *testing.T) {
	small := randomBytes(10<<10, 4)
	g := startGateway(t, newMemStore(), uploadLimit)
	tok := g.token(t, userID)
	tests := []struct {
		name    string
		query   url.Values
		chunked bool
		parts   []part
		want    errno.ErrNo
		wantMsg string
	}{
		{"missing title", nil, false, []part{tokenPart(tok), dataPart(small)}, errno.ParamErr, "title"},
		{"missing data", nil, false, []part{tokenPart(tok), titlePart("t")}, errno.ParamErr, "data"},
		{"data sent as a plain field is still data", nil, false, []part{tokenPart(tok), titlePart("t"), field("data", "")}, errno.VideoInvalid, "empty"},
		{"empty file", nil, false, []part{tokenPart(tok), titlePart("t"), dataPart(nil)}, errno.VideoInvalid, "empty"},
		{"two files", nil, false, []part{tokenPart(tok), titlePart("t"), dataPart(small), dataPart(small)}, errno.ParamErr, "one"},
		{"missing token", nil, false, []part{titlePart("t"), dataPart(small)}, errno.TokenMissing, ""},
		{"empty token", nil, false, []part{tokenPart(""), titlePart("t"), dataPart(small)}, errno.TokenMissing, ""},
		{"bad token", nil, false, []part{tokenPart("not-a-token"), titlePart("t"), dataPart(small)}, errno.TokenInvalid, ""},
		{"tampered token", nil, false, []part{tokenPart(tok[:len(tok)-2] + "xx"), titlePart("t"), dataPart(small)}, errno.TokenInvalid, ""},
		{"expired token", nil, false, []part{tokenPart(expiredToken(t, userID)), titlePart("t"), dataPart(small)}, errno.TokenInvalid, ""},
		{"bad query token beats a good form token", url.Values{"token": {"bad"}}, false,
			[]part{tokenPart(tok), titlePart("t"), dataPart(small)}, errno.TokenInvalid, ""},
		{"one byte over the limit", nil, false, []part{tokenPart(tok), titlePart("t"), dataPart(randomBytes(uploadLimit+1, 5))}, errno.VideoTooLarge, "large"},
		{"one byte over the limit, chunked", nil, true, []part{tokenPart(tok), titlePart("t"), dataPart(randomBytes(uploadLimit+1, 5))}, errno.VideoTooLarge, "large"},
		{"far over the limit, chunked", nil, true, []part{dataPart(randomBytes(3*uploadLimit, 6)), tokenPart(tok), titlePart("t")}, errno.VideoTooLarge, "large"},
		{"oversized title field", nil, false, []part{tokenPart(tok), titlePart(strings.Repeat("t", 65<<10)), dataPart(small)}, errno.ParamErr, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := spoolDir(t)
			st := g.publish(t, tt.query, tt.chunked, tt.parts...)
			wantStatus(t, st, tt.want)
			if !strings.Contains(st.StatusMsg, tt.wantMsg) {
				t.Errorf("status_msg %q does not mention %q", st.StatusMsg, tt.wantMsg)
			}
			if n := len(g.videos.publishes()); n != 0 {
				t.Fatalf("%d Publish calls for a rejected upload", n)
			}
			if keys := g.store.(*memStore).keys(); len(keys) != 0 {
				t.Fatalf("staged %v for a rejected upload", keys)
			}
			wantEmptyDir(t, dir)
		})
	}
}

func TestPublishRejectsBadBodies(t *testing.T) {
	g := startGateway(t, newMemStore(), uploadLimit)
	tok := g.token(t, userID)
	body, ct := form(t, tokenPart(tok), titlePart("t"), dataPart(randomBytes(1000, 7)))
	tests := []struct {
		name        string
		contentType string
		body        []byte
	}{
		{"urlencoded", "application/x-www-form-urlencoded", []byte("token=" + tok + "&title=t&data=xyz")},
		{"no content type", "", body},
		{"multipart without boundary", "multipart/form-data", body},
		{"wrong boundary", "multipart/form-data; boundary=nope", body},
		{"truncated", ct, body[:len(body)/2]},
		{"garbage", ct, []byte("\x00\x01 definitely not multipart")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := spoolDir(t)
			req, err := http.NewRequest(http.MethodPost, g.base+"/douyin/publish/action/", bytes.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			st := decode(t, g.send(t, req), nil)
			if *st.StatusCode == errno.Success.Code || len(g.videos.publishes()) != 0 {
				t.Fatalf("status %d (%s), %d publishes; want an error and none", *st.StatusCode, st.StatusMsg, len(g.videos.publishes()))
			}
			wantEmptyDir(t, dir)
		})
	}
}

// rawRequest writes head and then body on a raw connection, never ending
// the body, and reads the response. An answer proves the server decided
// without reading the whole upload; answered is false if none came.
func rawRequest(t *testing.T, g *gateway, head string, body []byte) (st status, answered bool) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(g.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	go func() {
		// The server may stop reading and close; write errors are expected.
		_, _ = conn.Write([]byte(head))
		_, _ = conn.Write(body)
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return status{}, false
	}
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	return decode(t, resp, nil), true
}

func TestPublishRefusesOversizedUploadWithoutReadingIt(t *testing.T) {
	g := startGateway(t, newMemStore(), uploadLimit)
	tok := g.token(t, userID)
	const boundary = "b0undary"
	start := fmt.Sprintf("--%s\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n%s\r\n"+
		"--%s\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nt\r\n"+
		"--%s\r\nContent-Disposition: form-data; name=\"data\"; filename=\"a.mp4\"\r\n\r\n", boundary, tok, boundary, boundary)

	t.Run("declared length over the limit", func(t *testing.T) {
		dir := spoolDir(t)
		// 1 GB announced, 64 KB sent: the answer must come from the header.
		head := "POST /douyin/publish/action/ HTTP/1.1\r\nHost: x\r\n" +
			"Content-Type: multipart/form-data; boundary=" + boundary + "\r\n" +
			"Content-Length: 1000000000\r\n\r\n"
		st, answered := rawRequest(t, g, head, append([]byte(start), randomBytes(64<<10, 8)...))
		if !answered {
			t.Fatal("no answer to an upload declaring 1 GB: the server is reading it")
		}
		wantStatus(t, st, errno.VideoTooLarge)
		wantEmptyDir(t, dir)
	})
	t.Run("chunked body that goes over the limit", func(t *testing.T) {
		dir := spoolDir(t)
		head := "POST /douyin/publish/action/ HTTP/1.1\r\nHost: x\r\n" +
			"Content-Type: multipart/form-data; boundary=" + boundary + "\r\n" +
			"Transfer-Encoding: chunked\r\n\r\n"
		var body bytes.Buffer
		writeChunk := func(b []byte) { fmt.Fprintf(&body, "%x\r\n%s\r\n", len(b), b) }
		writeChunk([]byte(start))
		for sent := 0; sent <= uploadLimit+(256<<10); sent += 64 << 10 {
			writeChunk(randomBytes(64<<10, uint64(sent)))
		}
		// No final chunk: the body never ends.
		st, answered := rawRequest(t, g, head, body.Bytes())
		if !answered {
			t.Fatal("no answer while the chunked upload is still pending: it was read whole before being checked")
		}
		wantStatus(t, st, errno.VideoTooLarge)
		wantEmptyDir(t, dir)
	})
	if n := len(g.videos.publishes()); n != 0 {
		t.Fatalf("%d Publish calls for oversized uploads", n)
	}
}

func TestPublishVideoServiceOutcome(t *testing.T) {
	data := randomBytes(5000, 9)
	tests := []struct {
		name         string
		resp         *video.PublishResponse
		err          error
		putErr       error
		want         errno.ErrNo
		wantPublish  int
		wantUnstaged bool // the gateway removed the staged upload
	}{
		{"published", nil, nil, nil, errno.Success, 1, false},
		{"not a video", &video.PublishResponse{BaseResp: errno.ToBaseResp(errno.VideoInvalid)}, nil, nil, errno.VideoInvalid, 1, false},
		{"bad title", &video.PublishResponse{BaseResp: errno.ToBaseResp(errno.ParamErr.WithMessage("title must be at most 100 characters"))}, nil, nil, errno.ParamErr, 1, false},
		{"video service unreachable", nil, errors.New("connection refused"), nil, errno.ServiceUnavail, 1, true},
		{"staging fails", nil, nil, errors.New("s3 down"), errno.ServiceErr, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore()
			store.putErr = tt.putErr
			g := startGateway(t, store, uploadLimit)
			g.videos.answerPublish(tt.resp, tt.err)
			st := g.publish(t, nil, false, tokenPart(g.token(t, userID)), titlePart("t"), dataPart(data))
			reqs := g.videos.publishes()
			if len(reqs) != tt.wantPublish {
				t.Fatalf("%d Publish calls, want %d", len(reqs), tt.wantPublish)
			}
			if tt.wantUnstaged {
				if keys := store.keys(); len(keys) != 0 {
					t.Fatalf("staged upload left after the video service failed: %v", keys)
				}
				if deleted := store.deletedKeys(); len(deleted) != 1 || deleted[0] != reqs[0].UploadKey {
					t.Fatalf("deleted %v, want the staged %s", deleted, reqs[0].UploadKey)
				}
			}
			wantStatus(t, st, tt.want)
			if tt.resp != nil && st.StatusMsg != tt.resp.BaseResp.StatusMsg {
				t.Fatalf("status_msg %q, want the service's %q", st.StatusMsg, tt.resp.BaseResp.StatusMsg)
			}
		})
	}
}

func TestPublishListNeedsToken(t *testing.T) {
	g := startGateway(t, newMemStore(), uploadLimit)
	resp, err := http.Get(g.base + "/douyin/publish/list/?user_id=1")
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, decode(t, resp, nil), errno.TokenMissing)
}

// multipartHead is the start of a publish form whose parts come in the
// given order, up to the first bytes of data, for raw requests.
func multipartHead(boundary string, fields ...[2]string) string {
	var b strings.Builder
	for _, f := range fields {
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", boundary, f[0], f[1])
	}
	fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"data\"; filename=\"a.mp4\"\r\n\r\n", boundary)
	return b.String()
}

// A token that comes before the data is checked before the data is read:
// the answer arrives while the upload is still pending, and nothing is
// spooled.
func TestPublishChecksTheTokenBeforeTheData(t *testing.T) {
	g := startGateway(t, newMemStore(), uploadLimit)
	const boundary = "b0undary"
	head := func(target string) string {
		return "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + boundary +
			"\r\nContent-Length: " + fmt.Sprint(uploadLimit) + "\r\n\r\n"
	}
	tests := []struct {
		name   string
		target string
		fields [][2]string
		want   errno.ErrNo
	}{
		{"bad token in the query", "/douyin/publish/action/?token=bad", [][2]string{{"title", "t"}}, errno.TokenInvalid},
		{"bad token part before data", "/douyin/publish/action/", [][2]string{{"token", "bad"}, {"title", "t"}}, errno.TokenInvalid},
		{"expired token part before data", "/douyin/publish/action", [][2]string{{"token", expiredToken(t, userID)}}, errno.TokenInvalid},
		// An empty query token is absent: the form's token is the one checked.
		{"empty query token, bad form token", "/douyin/publish/action/?token=", [][2]string{{"token", "bad"}}, errno.TokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := spoolDir(t)
			st, answered := rawRequest(t, g, head(tt.target), append([]byte(multipartHead(boundary, tt.fields...)), randomBytes(64<<10, 13)...))
			if !answered {
				t.Fatal("no answer while the upload is pending: the data was read before the token was checked")
			}
			wantStatus(t, st, tt.want)
			wantEmptyDir(t, dir)
		})
	}
	if n := len(g.videos.publishes()); n != 0 {
		t.Fatalf("%d Publish calls", n)
	}
}

// stalledUpload starts an upload of user that sends its token and the
// first 16 KiB of data, then stalls; closing the connection ends it.
// (mime/multipart reads 4 KiB ahead, so a part is only seen whole once a
// few KiB after it have arrived.)
func stalledUpload(t *testing.T, g *gateway, tok string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(g.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	const boundary = "b0undary"
	head := "POST /douyin/publish/action/ HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + boundary +
		"\r\nContent-Length: " + fmt.Sprint(uploadLimit) + "\r\n\r\n"
	if _, err := io.WriteString(conn, head+multipartHead(boundary, [2]string{"token", tok}, [2]string{"title", "t"})+string(randomBytes(16<<10, 15))); err != nil {
		t.Fatal(err)
	}
	return conn
}

// Uploads past the per-user or per-instance bound are refused at once; a
// finished upload gives its slot back.
func TestPublishConcurrencyIsBounded(t *testing.T) {
	g := startGatewayWith(t, newMemStore(), nil, func(cfg *config.Config) {
		cfg.Upload.MaxConcurrent, cfg.Upload.MaxConcurrentPerUser = 3, 2
	})
	tok, other, third := g.token(t, userID), g.token(t, otherUserID), g.token(t, 9)
	small := randomBytes(10<<10, 14)
	busy := func(tok string) func() bool {
		return func() bool {
			return *g.publish(t, nil, false, tokenPart(tok), titlePart("t"), dataPart(small)).StatusCode == errno.UploadsBusy.Code
		}
	}
	stalled := []*stalled{startStalled(t, g, tok), startStalled(t, g, tok)}
	waitHeld(t, "the stalled uploads hold their slots", stalled, busy(tok))
	// Another user still has room, until the instance is full.
	wantStatus(t, g.publish(t, nil, false, tokenPart(other), titlePart("t"), dataPart(small)), errno.Success)
	stalled = append(stalled, startStalled(t, g, other))
	waitHeld(t, "the instance is full", stalled, busy(third))
	for _, s := range stalled {
		s.conn.Close()
	}
	waitUntil(t, "closed uploads give their slots back", func() bool {
		return *g.publish(t, nil, false, tokenPart(tok), titlePart("t"), dataPart(small)).StatusCode == errno.Success.Code
	})
}

// stalled is an upload left pending by its client.
type stalled struct {
	conn net.Conn
	g    *gateway
	tok  string
}

func startStalled(t *testing.T, g *gateway, tok string) *stalled {
	return &stalled{conn: stalledUpload(t, g, tok), g: g, tok: tok}
}

// answered tells whether the server has answered (refused) the upload.
func (s *stalled) answered() bool {
	_ = s.conn.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, err := s.conn.Read(make([]byte, 1))
	var ne net.Error
	return !errors.As(err, &ne) || !ne.Timeout()
}

// waitHeld waits until probe reports the bound reached while every stalled
// upload holds its slot. A probe holds a slot while it runs, so a stalled
// upload can lose the race for one and be refused; it is sent again.
func waitHeld(t *testing.T, what string, uploads []*stalled, probe func() bool) {
	t.Helper()
	waitUntil(t, what, func() bool {
		for _, s := range uploads {
			if s.answered() {
				s.conn.Close()
				s.conn = stalledUpload(t, s.g, s.tok)
			}
		}
		return probe()
	})
}

// waitUntil polls cond until it holds, failing after a generous bound.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A client that stalls in its headers or its body is dropped after the
// read timeout; without it Hertz would wait minutes.
func TestStalledClientsAreDropped(t *testing.T) {
	g := startGatewayWith(t, newMemStore(), nil, func(cfg *config.Config) { cfg.HTTP.ReadTimeout = 300 * time.Millisecond })
	tok := g.token(t, userID)
	tests := []struct {
		name string
		send string
	}{
		{"partial headers", "GET /douyin/feed/ HTTP/1.1\r\nHost: x\r\nX-Slow: "},
		{"partial form body", "POST /douyin/user/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ntoken="},
		{"partial upload", "POST /douyin/publish/action/ HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n" +
			multipartHead("b", [2]string{"token", tok}) + "some"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := spoolDir(t)
			conn, err := net.Dial("tcp", strings.TrimPrefix(g.base, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tt.send); err != nil {
				t.Fatal(err)
			}
			// The bound only keeps a broken server from hanging the test.
			_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			_, err = io.Copy(io.Discard, conn)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatal("the server kept the stalled connection open")
			}
			waitUntil(t, "the partial upload is removed", func() bool { return len(mustReadDir(t, dir)) == 0 })
		})
	}
}

func mustReadDir(t *testing.T, dir string) []os.DirEntry {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}
