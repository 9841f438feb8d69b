// Command loadtest measures douyin under load, as `make loadtest` runs it.
//
// It starts the embedded system from a freshly built bin/douyin (or targets
// a running deployment with -base), seeds a reproducible data set through
// the API, and then, route by route:
//   - drives the route with wrk at a fixed concurrency (closed loop) and
//     reports req/s, p50, p99 and errors (non-2xx, or status_code != 0);
//   - drives a bare Hertz server that answers the very same bytes, in the
//     same run, and reports the route's ratio to it;
//   - drives its ceiling: the same bytes through as many bare Kitex calls
//     as the route makes, the most any gateway → service design can do;
//   - runs an open-loop pass with vegeta at half the measured peak and
//     reports its p99, beside the bare server's p99 at the same rate (what
//     the machine and the load generator add);
//   - after each write route, checks with `douyin reconcile -dry-run` that
//     every counter is exact.
//
// With -scale it also bulk-loads large data (a million videos, a user with
// 100,000 followers, a chat of 100,000 messages) and compares latency at
// 1,000 rows with latency at those sizes. The report is Markdown.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

type options struct {
	base        string
	bin         string
	conns       int
	threads     int
	duration    time.Duration
	warmup      time.Duration
	openLoop    bool
	routes      string
	scale       bool
	out         string
	mysqlDSN    string
	redisAddr   string
	distributed bool
	live        bool
	liveOpts    liveOptions
	profileDir  string
	keepDataDir bool
	ceiling     bool
	idleConns   int
}

func main() {
	var o options
	flag.StringVar(&o.base, "base", "", "URL of a running deployment (default: start the embedded system)")
	flag.StringVar(&o.bin, "bin", "bin/douyin", "the douyin binary for the embedded system and reconcile")
	flag.IntVar(&o.conns, "conns", 32, "concurrent connections (closed loop)")
	flag.IntVar(&o.threads, "threads", 2, "wrk threads")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured time per run")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured time before each closed-loop run")
	flag.BoolVar(&o.openLoop, "open-loop", true, "also run each route open-loop at half its peak")
	flag.StringVar(&o.routes, "routes", "", "comma-separated route names to run (default: all)")
	flag.BoolVar(&o.scale, "scale", false, "bulk-load large data and compare latency at 1k rows with latency at scale")
	flag.StringVar(&o.out, "out", "", "also write the Markdown report to this file")
	flag.StringVar(&o.mysqlDSN, "mysql-dsn", "", "with -base: the deployment's database, for -scale and the counter check; with -distributed: the server to use")
	flag.BoolVar(&o.distributed, "distributed", false, "start the distributed system instead: etcd, devservers and one process per service, on -mysql-dsn and -redis-addr")
	flag.StringVar(&o.redisAddr, "redis-addr", "", "with -distributed: the Redis server to use")
	flag.StringVar(&o.profileDir, "profile", "", "write a 5 s CPU profile of each route's run into this directory (embedded only)")
	flag.BoolVar(&o.live, "ws", false, "also measure live chat: -ws-conns WebSockets, -ws-rate messages/s (registering the users takes minutes: bcrypt)")
	flag.IntVar(&o.liveOpts.conns, "ws-conns", 1000, "live chat: sockets, one per user")
	flag.Float64Var(&o.liveOpts.rate, "ws-rate", 200, "live chat: messages per second")
	flag.DurationVar(&o.liveOpts.duration, "ws-duration", 30*time.Second, "live chat: how long to send")
	flag.BoolVar(&o.ceiling, "ceiling", true, "also measure each route's ceiling: the same bytes through as many bare Kitex hops as the route makes")
	flag.IntVar(&o.idleConns, "idle-conns", 64, "the ceiling's idle Kitex connections per server (the system's DOUYIN_RPC_IDLE_CONNS default)")
	flag.BoolVar(&o.keepDataDir, "keep", false, "keep the embedded system's data directory")
	flag.Parse()
	log.SetFlags(log.Ltime)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, o options) error {
	if err := requireWrk(); err != nil {
		return err
	}
	target, err := openTarget(ctx, o)
	if err != nil {
		return err
	}
	defer target.close()
	log.Printf("target %s", target.base)
	data, err := seed(ctx, target.base)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	rep := &report{opts: o, target: target.describe()}
	for _, r := range selectRoutes(allRoutes(data), o.routes) {
		res, err := measure(ctx, o, target, r)
		if err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		rep.add(res)
		log.Printf("%-22s %8.0f req/s  p50 %6s  p99 %6s  errors %d  ratio %.3f  ceiling %s (%s of bare, %s of it)  cpu %4dµs/req  open-loop p99 %s (bare %s)  drift %s",
			r.name, res.closed.rps(), ms(res.closed.P50), ms(res.closed.P99), res.closed.errors(),
			res.ratio(), ceilingRate(res), share(ratioTo(res.ceiling, res.bare)), share(res.ofCeiling()),
			res.cpuPerReq.Microseconds(), openP99(res.open), openP99(res.bareOpen), res.drift)
		if res.open.errorCount() > 0 {
			log.Printf("%-22s open-loop errors %s", r.name, res.open.errors())
		}
	}
	if o.scale {
		sc, err := runScale(ctx, o, target, data)
		if err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		rep.scale = sc
	}
	if o.live {
		if rep.live, err = runLive(ctx, o.liveOpts, target); err != nil {
			return fmt.Errorf("live chat: %w", err)
		}
	}
	var w io.Writer = os.Stdout
	if o.out != "" {
		f, err := os.Create(o.out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = io.MultiWriter(os.Stdout, f)
	}
	return rep.write(w)
}

// selectRoutes keeps the routes named in list (all when list is empty).
func selectRoutes(all []route, list string) []route {
	if list == "" {
		return all
	}
	want := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		want[strings.TrimSpace(n)] = true
	}
	var out []route
	for _, r := range all {
		if want[r.name] {
			out = append(out, r)
		}
	}
	return out
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }
