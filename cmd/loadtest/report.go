package main

import (
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/douyin-go/douyin/test/load/wsload"
)

// report collects the results and prints them as Markdown.
type report struct {
	opts    options
	target  string
	results []result
	scale   []scaleResult
	live    *wsload.Report
}

func (r *report) add(res result) { r.results = append(r.results, res) }

func (r *report) write(w io.Writer) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("## Load benchmark (%s)\n\n", time.Now().UTC().Format("2006-01-02"))
	p("Target: %s. %d CPUs, %s. wrk, %d connections, %d threads, %s per run (after %s of warm-up); "+
		"the bare-Hertz baseline answers each route's own bytes in the same run; the ceiling carries them through as many bare Kitex calls as the route makes, one inside the other. Open loop: vegeta at half the measured peak.\n\n",
		r.target, runtime.NumCPU(), runtime.Version(), r.opts.conns, r.opts.threads, r.opts.duration, r.opts.warmup)
	p("| route | req/s | p50 | p99 | errors | bare Hertz req/s | ratio | ceiling req/s (hops) | ceiling / bare | of ceiling | CPU per request | open-loop rate | open-loop p99 | bare Hertz p99 at that rate | open-loop errors | counter drift |\n")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n")
	for _, res := range r.results {
		p("| %s | %.0f | %s | %s | %d | %.0f | %.3f | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			res.route.name, res.closed.rps(), ms(res.closed.P50), ms(res.closed.P99), res.closed.errors(),
			res.bare.rps(), res.ratio(), ceilingRate(res), share(ratioTo(res.ceiling, res.bare)), share(res.ofCeiling()),
			cpu(res.cpuPerReq), openRate(res.open), openP99(res.open), openP99(res.bareOpen), res.open.errors(), res.drift)
	}
	if len(r.scale) > 0 {
		p("\n### Scale\n\n")
		p("| request | rows | p50 at 1k | p50 at scale | p99 at 1k | p99 at scale | ratio (p50) |\n|---|---:|---:|---:|---:|---:|---:|\n")
		for _, s := range r.scale {
			p("| %s | %s | %s | %s | %s | %s | %.2f |\n", s.name, s.rows, ms(s.small.P50), ms(s.large.P50), ms(s.small.P99), ms(s.large.P99),
				float64(s.large.P50)/float64(max(s.small.P50, 1)))
		}
	}
	if l := r.live; l != nil {
		p("\n### Live chat\n\n%d WebSockets, one per user; %.0f messages/s for %s through the API, each timed from the start of its send to its arrival on both users' sockets.\n\n",
			l.Conns, r.opts.liveOpts.rate, r.opts.liveOpts.duration)
		p("| sockets | sent | delivered | lost | duplicates | send p50 / p99 | delivery p50 | p90 | p99 | max |\n|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n")
		p("| %d | %d | %d of %d | %d | %d | %s / %s | %s | %s | %s | %s |\n", l.Conns, l.Sent, l.Delivered, l.Expected, l.Lost, l.Duplicates,
			ms(l.SendP50), ms(l.SendP99), ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max))
	}
	return nil
}

func ceilingRate(res result) string {
	if res.ceiling.rps() == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f (%d)", res.ceiling.rps(), res.route.depth)
}

func openRate(o openResult) string {
	if o.Rate == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f/s", o.Rate)
}

func openP99(o openResult) string {
	if o.Rate == 0 {
		return "-"
	}
	return ms(o.P99)
}

func share(f float64) string {
	if f == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", f)
}

func cpu(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%d µs", d.Microseconds())
}
