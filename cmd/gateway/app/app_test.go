package app

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/douyin-go/douyin/pkg/auth"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/rpc"
)

// An upload declaring more than the limit is refused from its headers,
// before its body is read, on the gateway as configured.
func TestPublishRefusesDeclaredOversizeBeforeReading(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := config.Default()
	cfg.HTTPAddr = addr
	cfg.Upload.MaxBytes = 2 << 20
	a, _ := auth.New([]byte("0123456789abcdef-secret"), time.Hour, nil)
	g := New(cfg, &rpc.Clients{}, a, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go g.Run(ctx)
	if err := g.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(3 * time.Second))
	go io.WriteString(conn, "POST /douyin/publish/action/ HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000000000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"data\"; filename=\"a\"\r\n\r\n"+strings.Repeat("x", 1<<16))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer while the 1 GB body is pending: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), "12003") {
		t.Fatalf("answer %s, want status_code 12003", b)
	}
}
