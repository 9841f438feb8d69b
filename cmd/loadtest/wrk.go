package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// closedResult is one closed-loop wrk run.
type closedResult struct {
	Requests   int64         `json:"requests"`
	DurationUS int64         `json:"duration_us"`
	P50        time.Duration `json:"-"`
	P99        time.Duration `json:"-"`
	P50US      int64         `json:"p50_us"`
	P99US      int64         `json:"p99_us"`
	BadStatus  int64         `json:"bad_status"`
	SocketErrs int64         `json:"socket_errors"`
}

func (r closedResult) rps() float64 {
	if r.DurationUS == 0 {
		return 0
	}
	return float64(r.Requests) / (float64(r.DurationUS) / 1e6)
}

func (r closedResult) errors() int64 { return r.BadStatus + r.SocketErrs }

// wrkScript cycles through the requests in the file given as its first
// argument (each thread takes every n-th line, n its second argument), and
// counts answers that are not HTTP 200 with "status_code":0. done() prints
// one JSON line for the caller.
const wrkScript = `
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  reqs = {}
  local all = {}
  local n = 0
  local k = tonumber(args[2])
  for line in io.lines(args[1]) do
    local method, path = line:match("^(%S+) (.+)$")
    local r = wrk.format(method, path)
    table.insert(all, r)
    if n % k == tid then table.insert(reqs, r) end
    n = n + 1
  end
  if #reqs == 0 then reqs = all end
  i = 0
  bad = 0
end
function request()
  i = i + 1
  if i > #reqs then i = 1 end
  return reqs[i]
end
function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"status_code":0', 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format('WRKRESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"bad_status":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), b,
    e.connect + e.read + e.write + e.timeout))
end
`

func requireWrk() error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not installed: apt-get install -y wrk (make loadtest does this)")
	}
	return nil
}

// runWrk drives base with reqs for d over conns connections.
func runWrk(ctx context.Context, base string, reqs []string, conns, threads int, d time.Duration) (closedResult, error) {
	dir, err := os.MkdirTemp("", "loadtest-wrk-")
	if err != nil {
		return closedResult{}, err
	}
	defer os.RemoveAll(dir)
	script, list := filepath.Join(dir, "script.lua"), filepath.Join(dir, "requests.txt")
	if err := os.WriteFile(script, []byte(wrkScript), 0o644); err != nil {
		return closedResult{}, err
	}
	if err := os.WriteFile(list, []byte(strings.Join(reqs, "\n")+"\n"), 0o644); err != nil {
		return closedResult{}, err
	}
	threads = min(threads, conns)
	cmd := exec.CommandContext(ctx, "wrk", "-t", fmt.Sprint(threads), "-c", fmt.Sprint(conns), "-d", fmt.Sprintf("%.0fs", d.Seconds()),
		"--timeout", "10s", "-s", script, base+"/", "--", list, fmt.Sprint(threads))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return closedResult{}, fmt.Errorf("wrk: %v: %s", err, out)
	}
	_, line, ok := bytes.Cut(out, []byte("WRKRESULT "))
	if !ok {
		return closedResult{}, fmt.Errorf("wrk printed no result: %s", out)
	}
	line, _, _ = bytes.Cut(line, []byte("\n"))
	var r closedResult
	if err := json.Unmarshal(line, &r); err != nil {
		return r, fmt.Errorf("wrk result %q: %w", line, err)
	}
	r.P50, r.P99 = time.Duration(r.P50US)*time.Microsecond, time.Duration(r.P99US)*time.Microsecond
	return r, nil
}
