// Command wsload measures live chat under load (package wsload): it holds
// -conns WebSockets on the gateway and sends -rate messages per second
// for -duration, then prints delivery latency and losses. Without -base it
// starts the embedded system in this process first (`make wsload`).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/douyin-go/douyin/cmd/douyin/allinone"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/inprocess"
	"github.com/douyin-go/douyin/test/load/wsload"
)

func main() {
	base := flag.String("base", "", "gateway URL of a running deployment (default: start the embedded system)")
	users := flag.Int("users", 1000, "users to register")
	conns := flag.Int("conns", 1000, "sockets to hold open, spread over the users")
	rate := flag.Float64("rate", 200, "messages per second")
	duration := flag.Duration("duration", 30*time.Second, "how long to send")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the load phase (this process: the load and, when embedded, the system) to this file")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := wsload.RaiseFileLimit(uint64(*conns)*2 + 1024); err != nil {
		log.Fatal(err)
	}
	if *base == "" {
		url, done, err := startEmbedded(ctx, *conns)
		if err != nil {
			log.Fatal(err)
		}
		defer done()
		*base = url
	}
	start := time.Now()
	accounts, err := wsload.Register(ctx, *base, fmt.Sprintf("wsload%d", time.Now().Unix()), *users)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("registered %d users in %s\n", len(accounts), time.Since(start).Round(time.Millisecond))
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := wsload.Run(ctx, wsload.Options{BaseURL: *base, Users: accounts, Conns: *conns, Rate: *rate, Duration: *duration})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rep)
}

// startEmbedded runs the whole system in this process on free loopback
// ports with its data in a temporary directory.
func startEmbedded(ctx context.Context, conns int) (string, func(), error) {
	dir, err := os.MkdirTemp("", "wsload-")
	if err != nil {
		return "", nil, err
	}
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.Live.MaxConns = max(cfg.Live.MaxConns, conns)
	// A load test: every user registers and sends from this one address.
	cfg.RateLimits.Mode = "off"
	addrs, err := inprocess.FreeAddrs(5)
	if err != nil {
		return "", nil, err
	}
	cfg.HTTPAddr = addrs[0]
	cfg.Services.User, cfg.Services.Video, cfg.Services.Interaction, cfg.Services.Message = addrs[1], addrs[2], addrs[3], addrs[4]
	ctx, cancel := context.WithCancel(ctx)
	ready, done := make(chan struct{}), make(chan error, 1)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	go func() { done <- allinone.Run(ctx, cfg, log, nil, func(config.Config) { close(ready) }) }()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		return "", nil, fmt.Errorf("embedded system: %w", err)
	}
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			log.Warn("embedded system stopped with an error", "err", err)
		}
		_ = os.RemoveAll(dir)
	}
	return "http://" + cfg.HTTPAddr, stop, nil
}
