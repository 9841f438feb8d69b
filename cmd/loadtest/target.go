package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/douyin-go/douyin/pkg/inprocess"
)

// target is the system under load: the embedded one this command started,
// or a deployment it was pointed at.
type target struct {
	base     string
	admin    string   // admin endpoint of the embedded system ("" for -base)
	dataDir  string   // of the embedded system
	env      []string // its environment, for reconcile
	bin      string
	mysqlDSN string
	cmd      *exec.Cmd   // the embedded system
	procs    []*exec.Cmd // the distributed system's processes, in start order
	cleanup  func()      // drops what the distributed system created
	keep     bool
}

func openTarget(ctx context.Context, o options) (*target, error) {
	switch {
	case o.base != "":
		return &target{base: strings.TrimRight(o.base, "/"), bin: o.bin, mysqlDSN: o.mysqlDSN}, nil
	case o.distributed:
		return startDistributed(ctx, o)
	}
	return startEmbedded(ctx, o)
}

// startEmbedded runs bin/douyin on free loopback ports with a fresh data
// directory and rate limits off, as `make run` would run it.
func startEmbedded(ctx context.Context, o options) (*target, error) {
	if _, err := os.Stat(o.bin); err != nil {
		return nil, fmt.Errorf("%s: %w (run `make build` first)", o.bin, err)
	}
	dir, err := os.MkdirTemp("", "douyin-loadtest-")
	if err != nil {
		return nil, err
	}
	addrs, err := inprocess.FreeAddrs(7)
	if err != nil {
		return nil, err
	}
	t := &target{base: "http://" + addrs[0], admin: "http://" + addrs[1], dataDir: dir, bin: o.bin, keep: o.keepDataDir}
	t.env = append(os.Environ(),
		"DOUYIN_DATA_DIR="+dir,
		"DOUYIN_HTTP_ADDR="+addrs[0],
		"DOUYIN_PUBLIC_URL="+t.base,
		"DOUYIN_ADMIN_ADDR="+addrs[1],
		"DOUYIN_SVC_USER_ADDR="+addrs[2],
		"DOUYIN_SVC_VIDEO_ADDR="+addrs[3],
		"DOUYIN_SVC_INTERACTION_ADDR="+addrs[4],
		"DOUYIN_SVC_MESSAGE_ADDR="+addrs[5],
		"DOUYIN_RATE_LIMITS=off",
	)
	logFile, err := os.Create(filepath.Join(dir, "douyin.log"))
	if err != nil {
		return nil, err
	}
	t.cmd = exec.Command(o.bin)
	t.cmd.Env = t.env
	t.cmd.Stdout, t.cmd.Stderr = logFile, logFile
	if err := t.cmd.Start(); err != nil {
		return nil, err
	}
	if err := waitReady(ctx, t.base+"/douyin/feed/", time.Minute); err != nil {
		t.close()
		return nil, fmt.Errorf("embedded system did not start (log in %s): %w", logFile.Name(), err)
	}
	return t, nil
}

func (t *target) describe() string {
	switch {
	case len(t.procs) > 0:
		return "distributed system (gateway + 4 services as separate processes, etcd, MariaDB/MySQL, Redis, Kafka- and S3-protocol servers)"
	case t.cmd == nil:
		return "deployment at " + t.base
	}
	return "embedded system (bin/douyin: SQLite, in-process Redis/Kafka/S3)"
}

func (t *target) close() {
	stop(t.cmd)
	for i := len(t.procs) - 1; i >= 0; i-- {
		stop(t.procs[i])
	}
	if t.cleanup != nil {
		t.cleanup()
	}
	if t.dataDir != "" && !t.keep {
		_ = os.RemoveAll(t.dataDir)
	} else if t.dataDir != "" {
		log.Printf("data kept in %s", t.dataDir)
	}
}

// stop ends a process started by this command: SIGTERM, then a kill after
// 30 s.
func stop(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
	}
}

// reconcileEnv is the environment `douyin reconcile` needs to reach the
// target's database, or an error when it cannot be reached.
func (t *target) reconcileEnv() ([]string, error) {
	switch {
	case t.env != nil:
		return t.env, nil
	case t.mysqlDSN != "":
		return append(os.Environ(), "DOUYIN_MYSQL_DSN="+t.mysqlDSN), nil
	}
	return nil, errors.New("no database to check (pass -mysql-dsn)")
}

// cpuTime is the CPU time the system's processes have used so far (0 when
// this command did not start them): with it a run's cost per request can be
// told apart from how busy the machine was.
func (t *target) cpuTime() time.Duration {
	var total time.Duration
	for _, cmd := range append([]*exec.Cmd{t.cmd}, t.procs...) {
		if cmd != nil && cmd.Process != nil {
			total += processCPU(cmd.Process.Pid)
		}
	}
	return total
}

// processCPU is the CPU time process pid has used so far.
func processCPU(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start after ")".
	fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticksPerSecond = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticksPerSecond
}

// cpuProfile saves a CPU profile of the embedded system taken over seconds.
func (t *target) cpuProfile(path string, seconds int) error {
	if t.admin == "" {
		return nil
	}
	res, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", t.admin, seconds))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, res.Body)
	return err
}

func waitReady(ctx context.Context, url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready: %v", url, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
