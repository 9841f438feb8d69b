package main

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// openResult is one open-loop run at a fixed rate.
type openResult struct {
	Rate float64
	P50  time.Duration
	P99  time.Duration
	// Why counts the errors by kind: a transport error, an HTTP status, or
	// a status_code.
	Why map[string]int64
}

var statusCode = regexp.MustCompile(`"status_code":(-?\d+)`)

// errorKind names what went wrong with r, "" when nothing did.
func errorKind(r *vegeta.Result) string {
	switch {
	case r.Error != "":
		if strings.Contains(r.Error, "timeout") || strings.Contains(r.Error, "deadline") {
			return "client timeout"
		}
		return "transport error"
	case r.Code != http.StatusOK:
		return fmt.Sprintf("HTTP %d", r.Code)
	}
	m := statusCode.FindSubmatch(r.Body)
	if m == nil {
		return "no status_code"
	}
	if string(m[1]) == "0" {
		return ""
	}
	return "status_code " + string(m[1])
}

// openLoopConns bounds the open loop's connections.
const openLoopConns = 256

// runOpenLoop sends reqs at rate per second for d, whatever the answers'
// latency (vegeta), and reports the latency distribution and errors. It
// first sends at the same rate for warmup, unmeasured: the load
// generator's connections are opened then, as wrk's are before its
// measured run (opening 256 of them at once took the first few hundred
// milliseconds past 20 ms, enough to make a p99 of its own).
func runOpenLoop(base string, reqs []string, rate float64, warmup, d time.Duration) openResult {
	targets := make([]vegeta.Target, len(reqs))
	for i, r := range reqs {
		method, path, _ := strings.Cut(r, " ")
		targets[i] = vegeta.Target{Method: method, URL: base + path}
	}
	// Connections are capped: past the cap a request waits for one, and
	// the wait counts in its latency (vegeta times from before the call).
	// Uncapped, a stall made vegeta open thousands of connections, which
	// exhausted the ephemeral ports and flooded the services. Only the head
	// of each body is kept: status_code comes first.
	attacker := vegeta.NewAttacker(vegeta.Timeout(10*time.Second), vegeta.KeepAlive(true),
		vegeta.Connections(openLoopConns), vegeta.MaxConnections(openLoopConns), vegeta.MaxBody(256))
	pace := vegeta.ConstantPacer{Freq: max(int(rate), 1), Per: time.Second}
	// One attack (an Attacker stops for good when its attack ends); what
	// is sent during the warm-up is left out of the figures.
	measureFrom := time.Now().Add(warmup)
	var m vegeta.Metrics
	res := openResult{Rate: rate, Why: map[string]int64{}}
	for r := range attacker.Attack(vegeta.NewStaticTargeter(targets...), pace, warmup+d, "open-loop") {
		if r.Timestamp.Before(measureFrom) {
			continue
		}
		m.Add(r)
		if kind := errorKind(r); kind != "" {
			res.Why[kind]++
		}
	}
	m.Close()
	res.P50, res.P99 = m.Latencies.P50, m.Latencies.P99
	return res
}

// errors is the error count with its kinds, e.g. "12 (client timeout 10,
// status_code 10007 2)".
func (r openResult) errors() string {
	if r.errorCount() == 0 {
		return "0"
	}
	kinds := make([]string, 0, len(r.Why))
	for k, n := range r.Why {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kinds)
	return fmt.Sprintf("%d (%s)", r.errorCount(), strings.Join(kinds, ", "))
}

// errorCount is how many requests failed, whatever the kind.
func (r openResult) errorCount() int64 {
	var n int64
	for _, k := range r.Why {
		n += k
	}
	return n
}
