package trace

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/douyin-go/douyin/cmd/douyin/allinone/allinonetest"
	"github.com/douyin-go/douyin/pkg/telemetry"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// secretRoutes are every API route, the media route and an unknown path.
var secretRoutes = []string{
	"/douyin/feed/", "/douyin/user/register/", "/douyin/user/login/", "/douyin/user/",
	"/douyin/publish/action/", "/douyin/publish/list/", "/douyin/favorite/action/", "/douyin/favorite/list/",
	"/douyin/comment/action/", "/douyin/comment/list/", "/douyin/relation/action/",
	"/douyin/relation/follow/list/", "/douyin/relation/follower/list/", "/douyin/relation/friend/list/",
	"/douyin/message/action/", "/douyin/message/chat/", "/media/videos/x.mp4", "/no/such/route",
}

// Secrets never leave the gateway: requests carrying a real token and a
// password, in the query string, an urlencoded body and a multipart body,
// on every route, leave neither in any exported span, log line or metric.
func TestSecretsStayOutOfTracesLogsAndMetrics(t *testing.T) {
	exporter := tracetest.NewInMemoryExporter()
	tracing := telemetry.NewTracing(exporter, true)
	saved := otel.GetTracerProvider()
	tracing.Install("douyin")
	defer func() { _ = tracing.Shutdown(context.Background()); otel.SetTracerProvider(saved) }()
	logs := &testutil.LockedBuffer{}
	telemetry.FrameworkLogsTo(logs)
	defer telemetry.FrameworkLogsTo(os.Stderr)

	cfg := allinonetest.Config(t, t.TempDir())
	allinonetest.UseTestServers(t, &cfg)
	cfg.AdminAddr = testutil.FreeAddrs(t, 1)[0]
	stop := allinonetest.StartObserved(t, cfg, tracing, telemetry.NewLogger(logs, "douyin"))
	t.Cleanup(func() { _ = stop() })
	base := "http://" + cfg.HTTPAddr

	password := "pw-" + testutil.RandomHex(8)
	name := "redact" + testutil.RandomHex(4)
	b := mustOK(t, post(t, base+"/douyin/user/register/?"+url.Values{"username": {name}, "password": {password}}.Encode()))
	token := b["token"].(string)
	secrets := map[string]string{"token": token, "password": password}

	params := url.Values{"token": {token}, "password": {password}, "username": {name}, "user_id": {"1"},
		"video_id": {"1"}, "to_user_id": {"1"}, "action_type": {"1"}, "comment_text": {"hi"}, "content": {"hi"}, "title": {"t"}}
	sent := 0
	for _, path := range secretRoutes {
		for _, how := range []string{"query", "urlencoded", "multipart"} {
			sendWithSecrets(t, base+path, how, params)
			sent++
		}
	}
	// A wrong password, a tampered token and a percent-encoded name too.
	sendWithSecrets(t, base+"/douyin/user/login/?username="+name+"&password="+password+"x", "query", nil)
	sendWithSecrets(t, base+"/douyin/user/?tok%65n="+token+"x", "query", nil)
	sent += 2

	// Every request's server span ends after its answer: wait for them.
	deadline := time.Now().Add(10 * time.Second)
	for count(exporter.GetSpans(), isGatewaySpan) < sent+1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	spans := exporter.GetSpans()
	if n := count(spans, isGatewaySpan); n < sent+1 {
		t.Fatalf("%d gateway spans for %d requests", n, sent+1)
	}
	redacted := 0
	for _, s := range spans {
		for _, text := range spanTexts(s) {
			for what, secret := range secrets {
				if strings.Contains(text, secret) || strings.Contains(text, url.QueryEscape(secret)) {
					t.Errorf("span %q carries the %s: %s", s.Name, what, text)
				}
			}
			if strings.Contains(text, "token="+telemetry.Redacted) {
				redacted++
			}
		}
	}
	if redacted == 0 {
		t.Error("no span records a redacted URL: the test no longer sees the attribute it guards")
	}

	resp, err := http.Get("http://" + cfg.AdminAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), "douyin_http_request_duration_seconds") {
		t.Fatal("/metrics has no request metrics")
	}
	for what, secret := range secrets {
		if strings.Contains(string(metrics), secret) {
			t.Errorf("a metric label carries the %s", what)
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("a log line carries the %s", what)
		}
	}
}

func isGatewaySpan(s tracetest.SpanStub) bool {
	return s.SpanKind == trace.SpanKindServer && strings.Contains(s.InstrumentationScope.Name, "hertz")
}

// spanTexts is every string a span exports.
func spanTexts(s tracetest.SpanStub) []string {
	texts := []string{s.Name, s.Status.Description}
	for _, a := range s.Attributes {
		texts = append(texts, a.Value.String())
	}
	for _, e := range s.Events {
		texts = append(texts, e.Name)
		for _, a := range e.Attributes {
			texts = append(texts, a.Value.String())
		}
	}
	return texts
}

// sendWithSecrets sends params to u in the query string, an urlencoded
// body or a multipart body; what comes back does not matter.
func sendWithSecrets(t *testing.T, u, how string, params url.Values) {
	t.Helper()
	var body io.Reader
	contentType := ""
	switch how {
	case "query":
		if len(params) > 0 {
			u += "?" + params.Encode()
		}
	case "urlencoded":
		body, contentType = strings.NewReader(params.Encode()), "application/x-www-form-urlencoded"
	case "multipart":
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for k, vs := range params {
			_ = w.WriteField(k, vs[0])
		}
		fw, _ := w.CreateFormFile("data", "v.mp4")
		_, _ = fw.Write([]byte("not a video"))
		_ = w.Close()
		body, contentType = &buf, w.FormDataContentType()
	}
	req, err := http.NewRequest(http.MethodPost, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}
