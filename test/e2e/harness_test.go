// Package e2e drives the HTTP API of a running embedded douyin system the
// way the client does. Against real MariaDB and Redis when
// DOUYIN_TEST_MYSQL_DSN / DOUYIN_TEST_REDIS_ADDR are set.
package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/douyin-go/douyin/cmd/douyin/allinone/allinonetest"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/testutil"
)

// system is a running douyin: an embedded one started by the test, or,
// when DOUYIN_E2E_BASE_URL is set, an external deployment (the distributed
// smoke test runs this suite against separate processes that way).
type system struct {
	t    *testing.T
	cfg  config.Config
	base string
	stop func()
	// ns keeps usernames of this test apart from other tests' on a shared
	// external deployment; "" when the system is the test's own.
	ns string
}

// externalBase is the deployment under test, "" for embedded systems.
func externalBase() string { return os.Getenv("DOUYIN_E2E_BASE_URL") }

// embeddedOnly skips tests that need to start or restart the system.
func embeddedOnly(t *testing.T) {
	if externalBase() != "" {
		t.Skip("needs an embedded system of its own")
	}
}

// uname is the username this test uses for name.
func (s *system) uname(name string) string {
	if s.ns == "" {
		return name
	}
	return name + "_" + s.ns
}

// startSystem starts douyin on free ports with its data in dataDir, on a
// fresh test database when one is configured.
func startSystem(t *testing.T, dataDir string, tweaks ...func(*config.Config)) *system {
	t.Helper()
	cfg := allinonetest.Config(t, dataDir)
	// The suite registers many users from one address.
	cfg.RateLimits.Mode = "off"
	for _, tweak := range tweaks {
		tweak(&cfg)
	}
	allinonetest.UseTestServers(t, &cfg)
	return startWith(t, cfg)
}

// newSystem starts a fresh system on a fresh database, or attaches to the
// external deployment.
func newSystem(t *testing.T, tweaks ...func(*config.Config)) *system {
	t.Helper()
	if base := externalBase(); base != "" {
		cfg := config.Default()
		cfg.JWT.Secret = os.Getenv("DOUYIN_E2E_JWT_SECRET")
		return &system{t: t, cfg: cfg, base: strings.TrimRight(base, "/"), stop: func() {}, ns: testutil.RandomHex(3)}
	}
	s := startSystem(t, t.TempDir(), tweaks...)
	t.Cleanup(s.stop)
	return s
}

// startWith starts douyin with cfg exactly: restarting with a stopped
// system's cfg finds its data, database and tokens again.
func startWith(t *testing.T, cfg config.Config) *system {
	t.Helper()
	stop := allinonetest.Start(t, cfg)
	return &system{t: t, cfg: cfg, base: "http://" + cfg.HTTPAddr, stop: func() {
		if err := stop(); err != nil {
			t.Errorf("douyin stopped with error: %v", err)
		}
	}}
}

// resp is a decoded JSON response body.
type resp map[string]any

func (r resp) code() int64 {
	v, ok := r["status_code"].(json.Number)
	if !ok {
		return -1
	}
	n, _ := v.Int64()
	return n
}

func (r resp) msg() string { s, _ := r["status_msg"].(string); return s }

// int reads a numeric field by dotted path, e.g. "user.follow_count".
func (r resp) int(path string) int64 {
	v := r.get(path)
	n, ok := v.(json.Number)
	if !ok {
		return -1
	}
	i, _ := n.Int64()
	return i
}

func (r resp) str(path string) string { s, _ := r.get(path).(string); return s }

func (r resp) get(path string) any {
	var cur any = map[string]any(r)
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// list reads an array field; it fails the test if it is missing or null.
func (r resp) list(t *testing.T, name string) []map[string]any {
	t.Helper()
	raw, ok := r[name]
	if !ok || raw == nil {
		t.Fatalf("%s is missing or null in %v", name, r)
	}
	arr, ok := raw.([]any)
	if !ok {
		t.Fatalf("%s is not an array in %v", name, r)
	}
	out := make([]map[string]any, len(arr))
	for i, v := range arr {
		out[i], _ = v.(map[string]any)
	}
	return out
}

// call sends params in the query string (method GET or POST).
func (s *system) call(method, path string, params url.Values) resp {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path+"?"+params.Encode(), nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return s.do(req)
}

// form sends params as an urlencoded body.
func (s *system) form(method, path string, params url.Values) resp {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(params.Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req)
}

// multipartForm sends params (and files, by field name) as multipart.
func (s *system) multipartForm(path string, params url.Values, files map[string][]byte) resp {
	s.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range params {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for field, data := range files {
		fw, err := w.CreateFormFile(field, field+".mp4")
		if err != nil {
			s.t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, s.base+path, &body)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return s.do(req)
}

func (s *system) do(req *http.Request) resp {
	s.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		s.t.Fatalf("%s %s: HTTP %d: %s", req.Method, req.URL.Path, res.StatusCode, raw)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out resp
	if err := dec.Decode(&out); err != nil {
		s.t.Fatalf("%s %s: body is not JSON: %s", req.Method, req.URL.Path, raw)
	}
	if _, ok := out["status_code"]; !ok {
		s.t.Fatalf("%s %s: no status_code in %s", req.Method, req.URL.Path, raw)
	}
	if out.msg() == "" {
		s.t.Fatalf("%s %s: empty status_msg in %s", req.Method, req.URL.Path, raw)
	}
	return out
}

// mustOK fails unless r is a success.
func mustOK(t *testing.T, r resp) resp {
	t.Helper()
	if r.code() != 0 {
		t.Fatalf("want success, got %d %q", r.code(), r.msg())
	}
	return r
}

// mustFail fails unless r is an error with code want (0 = any error).
func mustFail(t *testing.T, r resp, want int64) resp {
	t.Helper()
	if r.code() == 0 || (want != 0 && r.code() != want) {
		t.Fatalf("want error %d, got %d %q", want, r.code(), r.msg())
	}
	return r
}

// account is a registered user.
type account struct {
	id    int64
	name  string
	token string
}

func (s *system) register(name string) account {
	s.t.Helper()
	name = s.uname(name)
	r := mustOK(s.t, s.call(http.MethodPost, "/douyin/user/register/", url.Values{"username": {name}, "password": {passwordOf(name)}}))
	if r.int("user_id") <= 0 || r.str("token") == "" {
		s.t.Fatalf("register %s: %v", name, r)
	}
	return account{id: r.int("user_id"), name: name, token: r.str("token")}
}

func id(n int64) string { return fmt.Sprint(n) }

// passwordOf is the password register gives name: at most 32 characters.
func passwordOf(name string) string {
	p := []rune("passwd-" + name)
	return string(p[:min(len(p), 32)])
}
