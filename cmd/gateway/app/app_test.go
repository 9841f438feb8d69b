package app

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/douyin-go/douyin/cmd/gateway/auth"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/rpc"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// An upload declaring more than the limit is refused from its headers,
// before its body is read, on the gateway as configured: the answer comes
// while the client, having sent a few bytes of its 1 GB, stalls.
func TestPublishRefusesDeclaredOversizeBeforeReading(t *testing.T) {
	cfg := config.Default()
	cfg.Upload.MaxBytes = 2 << 20
	addr := startGateway(t, cfg)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(3 * time.Second)); err != nil {
		t.Fatal(err)
	}
	go func() {
		_, _ = io.WriteString(conn, "POST /douyin/publish/action/ HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000000000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"data\"; filename=\"a\"\r\n\r\nxyz")
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer while the 1 GB body is pending: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), "12003") {
		t.Fatalf("answer %s, want status_code 12003", b)
	}
}

// Bodies of other routes are bounded too, also when they arrive chunked
// (no Content-Length to refuse them by).
func TestFormBodiesAreBounded(t *testing.T) {
	addr := startGateway(t, config.Default())
	tests := []struct {
		name    string
		size    int
		chunked bool
		want    string
	}{
		{"declared too large", maxFormBytes + 1, false, "request body is too large"},
		{"chunked too large", maxFormBytes + 1, true, "request body is too large"},
		// The token in the chunked body is found (and rejected as garbage).
		{"chunked small form is read", 10, true, "token is invalid or expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := io.Reader(strings.NewReader("token=garbage&x=" + strings.Repeat("x", tt.size)))
			if tt.chunked {
				body = io.MultiReader(body) // unknown length: sent chunked
			}
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/douyin/user/", body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			// A fresh connection each: a refused body closes its connection.
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.Contains(string(got), tt.want) {
				t.Fatalf("%d %s, want 200 with %q", res.StatusCode, got, tt.want)
			}
		})
	}
}

// startGateway runs a gateway with cfg on a free port, with no services
// behind it, until the test ends, and returns its address.
func startGateway(t *testing.T, cfg config.Config) string {
	t.Helper()
	cfg.HTTPAddr = testutil.FreeAddrs(t, 1)[0]
	a, err := auth.New([]byte("0123456789abcdef-secret"), time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(Deps{Config: cfg, Clients: &rpc.Clients{}, Auth: a, Log: testutil.QuietLog()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = g.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	if err := g.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	return cfg.HTTPAddr
}
