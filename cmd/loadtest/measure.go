package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// result is everything measured for one route.
type result struct {
	route  route
	closed closedResult
	bare   closedResult
	// ceiling is the same bytes through route.depth bare Kitex hops.
	ceiling closedResult
	open    openResult
	// bareOpen is the bare server's open loop at the same rate: what the
	// machine and the load generator add to any p99.
	bareOpen openResult
	drift    string // after write runs: what reconcile found ("-" for reads)
	// cpuPerReq is the embedded system's CPU time per request in the
	// closed-loop run (0 when unknown).
	cpuPerReq time.Duration
}

func (r result) ratio() float64 { return ratioTo(r.closed, r.bare) }

// ofCeiling is the route's share of what its shape allows.
func (r result) ofCeiling() float64 { return ratioTo(r.closed, r.ceiling) }

func ratioTo(got, base closedResult) float64 {
	if base.rps() == 0 {
		return 0
	}
	return got.rps() / base.rps()
}

// measure runs r closed-loop, then a bare Hertz server with r's bytes,
// then r open-loop at half its peak, then checks the counters.
func measure(ctx context.Context, o options, t *target, r route) (result, error) {
	res := result{route: r, drift: "-"}
	body, err := sampleAnswer(ctx, t.base, r.reqs[0])
	if err != nil {
		return res, err
	}
	if _, err := runWrk(ctx, t.base, r.reqs, o.conns, o.threads, o.warmup); err != nil {
		return res, err
	}
	stopProfile := profileDuring(o, t, r)
	cpuBefore := t.cpuTime()
	res.closed, err = runWrk(ctx, t.base, r.reqs, o.conns, o.threads, o.duration)
	if used := t.cpuTime() - cpuBefore; used > 0 && res.closed.Requests > 0 {
		res.cpuPerReq = used / time.Duration(res.closed.Requests)
	}
	stopProfile()
	if err != nil {
		return res, err
	}
	if res.bare, err = measureBaseline(ctx, o, func() (baseline, error) { return startBare(body) }); err != nil {
		return res, err
	}
	if o.ceiling && r.depth > 0 {
		start := func() (baseline, error) { return startCeiling(body, r.depth, o.idleConns) }
		if res.ceiling, err = measureBaseline(ctx, o, start); err != nil {
			return res, err
		}
	}
	if o.openLoop {
		res.open = runOpenLoop(t.base, r.reqs, res.closed.rps()/2, o.warmup, o.duration)
		if res.bareOpen, err = bareOpenLoop(body, res.open.Rate, o.warmup, o.duration); err != nil {
			return res, err
		}
	}
	if r.write {
		res.drift = checkCounters(t)
	}
	return res, nil
}

// sampleAnswer is the body the route answers req with: the bytes the bare
// server will serve.
func sampleAnswer(ctx context.Context, base, req string) ([]byte, error) {
	method, path, _ := strings.Cut(req, " ")
	c := newAPI(base)
	if method == "GET" {
		return c.get(ctx, path)
	}
	// A write's answer is its status; replaying the write would change data.
	return []byte(`{"status_code":0,"status_msg":"success"}`), nil
}

// baseline is a server answering a route's bytes with less in the way.
type baseline interface {
	url() string
	close()
}

func measureBaseline(ctx context.Context, o options, start func() (baseline, error)) (closedResult, error) {
	b, err := start()
	if err != nil {
		return closedResult{}, err
	}
	defer b.close()
	reqs := []string{"GET /douyin/bare/"}
	if _, err := runWrk(ctx, b.url(), reqs, o.conns, o.threads, o.warmup); err != nil {
		return closedResult{}, err
	}
	return runWrk(ctx, b.url(), reqs, o.conns, o.threads, o.duration)
}

// bareOpenLoop runs the open loop at rate against a bare server with body.
func bareOpenLoop(body []byte, rate float64, warmup, d time.Duration) (openResult, error) {
	b, err := startBare(body)
	if err != nil {
		return openResult{}, err
	}
	defer b.close()
	return runOpenLoop(b.url(), []string{"GET /douyin/bare/"}, rate, warmup, d), nil
}

// profileDuring takes a CPU profile of the embedded system while r runs,
// when -profile is set; the returned func waits for it.
func profileDuring(o options, t *target, r route) func() {
	if o.profileDir == "" || t.admin == "" {
		return func() {}
	}
	if err := os.MkdirAll(o.profileDir, 0o755); err != nil {
		log.Printf("profile %s: %v", r.name, err)
		return func() {}
	}
	name := regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(r.name), "_")
	path := filepath.Join(o.profileDir, name+".pprof")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(time.Second)
		if err := t.cpuProfile(path, max(int(o.duration.Seconds())-2, 1)); err != nil {
			log.Printf("profile %s: %v", r.name, err)
		}
	}()
	return wg.Wait
}

var fixedCount = regexp.MustCompile(`reconcile: (\d+) counter`)

// checkCounters runs `douyin reconcile -dry-run` against the target's
// database and reports what it found.
func checkCounters(t *target) string {
	env, err := t.reconcileEnv()
	if err != nil {
		return "not checked: " + err.Error()
	}
	cmd := exec.Command(t.bin, "reconcile", "-dry-run")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Sprintf("check failed: %v: %s", err, out)
	}
	m := fixedCount.FindSubmatch(out)
	if m == nil {
		return "check failed: " + string(out)
	}
	if string(m[1]) == "0" {
		return "none"
	}
	return string(m[1]) + " counters drifted"
}
