package main

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// openResult is one open-loop run at a fixed rate.
type openResult struct {
	Rate   float64
	P50    time.Duration
	P99    time.Duration
	Errors int64
	Total  int64
}

// runOpenLoop sends reqs at rate per second for d, whatever the answers'
// latency (vegeta), and reports the latency distribution and errors.
func runOpenLoop(base string, reqs []string, rate float64, d time.Duration) openResult {
	targets := make([]vegeta.Target, len(reqs))
	for i, r := range reqs {
		method, path, _ := strings.Cut(r, " ")
		targets[i] = vegeta.Target{Method: method, URL: base + path}
	}
	attacker := vegeta.NewAttacker(vegeta.Timeout(10*time.Second), vegeta.KeepAlive(true), vegeta.Connections(256))
	pace := vegeta.ConstantPacer{Freq: max(int(rate), 1), Per: time.Second}
	var m vegeta.Metrics
	res := openResult{Rate: rate}
	for r := range attacker.Attack(vegeta.NewStaticTargeter(targets...), pace, d, "open-loop") {
		m.Add(r)
		res.Total++
		if r.Code != http.StatusOK || !bytes.Contains(r.Body, []byte(`"status_code":0`)) {
			res.Errors++
		}
	}
	m.Close()
	res.P50, res.P99 = m.Latencies.P50, m.Latencies.P99
	return res
}
