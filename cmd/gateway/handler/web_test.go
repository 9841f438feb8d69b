package handler_test

import (
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/douyin-go/douyin/cmd/gateway/web"
)

// The web client is served at / and /web/, with types browsers accept for
// ES modules, and nothing outside its files.
func TestWebClientIsServed(t *testing.T) {
	gw := startGateway(t, nil, uploadLimit)
	tests := []struct {
		path, wantType, wantBody string
		wantStatus               int
	}{
		{"/", "text/html", `<script type="module" src="/web/js/app.js">`, http.StatusOK},
		{"/web/app.css", "text/css", ".player", http.StatusOK},
		{"/web/js/app.js", "javascript", "import", http.StatusOK},
		{"/web/js/live.js", "javascript", "/douyin/message/ws/", http.StatusOK},
		{"/web/js/missing.js", "", "", http.StatusNotFound},
		{"/web/../web.go", "", "", http.StatusNotFound},
		{"/web/", "", "", http.StatusNotFound},
		{"/douyin/feed-not-a-route/", "", "", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := http.Get(gw.base + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("HTTP %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, tt.wantType) {
				t.Fatalf("Content-Type %q, want %s", ct, tt.wantType)
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Fatalf("body does not contain %q", tt.wantBody)
			}
		})
	}
}

// Every module a script imports is embedded: a renamed file fails here,
// not only in a browser.
func TestWebModulesResolve(t *testing.T) {
	imports := regexp.MustCompile(`from '\./([a-z]+\.js)'`)
	files, err := fs.Glob(web.Files, "js/*.js")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts embedded: %v", err)
	}
	for _, f := range files {
		src, _ := fs.ReadFile(web.Files, f)
		for _, m := range imports.FindAllStringSubmatch(string(src), -1) {
			if _, err := fs.Stat(web.Files, "js/"+m[1]); err != nil {
				t.Errorf("%s imports %s, which is not embedded", f, m[1])
			}
		}
	}
}
