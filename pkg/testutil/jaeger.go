package testutil

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Jaeger is a real Jaeger v2 (bin/jaeger, built by `make jaeger`) with
// in-memory storage, on free loopback ports.
type Jaeger struct {
	// OTLP is the OTLP gRPC endpoint (host:port) spans are sent to.
	OTLP  string
	query string
}

// StartJaeger starts bin/jaeger for the test. Without it the test is
// skipped, unless DOUYIN_TEST_JAEGER is set (CI builds it), which makes a
// missing binary a failure.
func StartJaeger(t testing.TB) *Jaeger {
	t.Helper()
	bin := filepath.Join(repoRoot(), "bin", "jaeger")
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("DOUYIN_TEST_JAEGER") != "" {
			t.Fatalf("DOUYIN_TEST_JAEGER is set but %s is missing: run make jaeger", bin)
		}
		t.Skipf("needs a real Jaeger at %s: run `make jaeger` (about 7 minutes the first time), or set DOUYIN_TEST_JAEGER=1 to require it", bin)
	}
	addrs := FreeAddrs(t, 4)
	j := &Jaeger{OTLP: addrs[0], query: addrs[2]}
	config := filepath.Join(t.TempDir(), "jaeger.yaml")
	if err := os.WriteFile(config, []byte(fmt.Sprintf(jaegerConfig, addrs[0], addrs[1], addrs[2], addrs[3])), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config", config)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("--- jaeger output ---\n%s", out.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := j.get("/api/services"); err == nil {
			return j
		}
		select {
		case <-done:
			t.Fatalf("jaeger exited: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("jaeger did not answer within 30s: %s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// jaegerConfig: OTLP in, memory storage, the query API; nothing else
// listens (the defaults would take fixed ports).
const jaegerConfig = `
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_storage:
    backends:
      memory_store:
        memory:
          max_traces: 100000
  jaeger_query:
    storage:
      traces: memory_store
    http:
      endpoint: %[3]s
    grpc:
      endpoint: %[4]s
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: %[1]s
      http:
        endpoint: %[2]s
processors:
  batch:
    timeout: 100ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memory_store
`

// JaegerSpan is a span as Jaeger's query API returns it.
type JaegerSpan struct {
	TraceID       string `json:"traceID"`
	SpanID        string `json:"spanID"`
	OperationName string `json:"operationName"`
	ProcessID     string `json:"processID"`
	References    []struct {
		RefType string `json:"refType"`
		SpanID  string `json:"spanID"`
	} `json:"references"`
}

// JaegerTrace is one trace from /api/traces.
type JaegerTrace struct {
	TraceID   string       `json:"traceID"`
	Spans     []JaegerSpan `json:"spans"`
	Processes map[string]struct {
		ServiceName string `json:"serviceName"`
	} `json:"processes"`
}

// Service is the service name span was reported under.
func (tr JaegerTrace) Service(s JaegerSpan) string { return tr.Processes[s.ProcessID].ServiceName }

// Services are the service names of the trace's spans.
func (tr JaegerTrace) Services() map[string]bool {
	out := map[string]bool{}
	for _, s := range tr.Spans {
		out[tr.Service(s)] = true
	}
	return out
}

// Traces asks the query API for service's traces with an operation
// (span name) containing operation.
func (j *Jaeger) Traces(service, operation string) ([]JaegerTrace, error) {
	raw, err := j.get("/api/traces?" + url.Values{"service": {service}, "limit": {"200"}, "lookback": {"1h"}}.Encode())
	if err != nil {
		return nil, err
	}
	var body struct {
		Data []JaegerTrace `json:"data"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, err
	}
	var out []JaegerTrace
	for _, tr := range body.Data {
		for _, s := range tr.Spans {
			if strings.Contains(s.OperationName, operation) && tr.Service(s) == service {
				out = append(out, tr)
				break
			}
		}
	}
	return out, nil
}

func (j *Jaeger) get(path string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+j.query+path, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return b, nil
}

// repoRoot is the repository's root directory (where go.mod is).
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
