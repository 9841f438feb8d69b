package app

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/douyin-go/douyin/cmd/gateway/handler"
	"github.com/douyin-go/douyin/cmd/gateway/live"
	"github.com/douyin-go/douyin/pkg/config"
	"github.com/douyin-go/douyin/pkg/errno"
)

// noRedirects is a client that reports redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// edgeAnswer is a response as the edge tests look at it.
type edgeAnswer struct {
	status   int
	location string
	code     int32
	msg      string
}

func edgeDo(t *testing.T, method, url string, header map[string]string) edgeAnswer {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := edgeAnswer{status: resp.StatusCode, location: resp.Header.Get("Location")}
	if method == http.MethodHead {
		return a
	}
	var body struct {
		Code *int32 `json:"status_code"`
		Msg  string `json:"status_msg"`
	}
	if err := json.Unmarshal(raw, &body); err != nil || body.Code == nil || body.Msg == "" {
		t.Fatalf("%s %s: HTTP %d body %q is not the API's JSON", method, url, resp.StatusCode, raw)
	}
	a.code, a.msg = *body.Code, body.Msg
	return a
}

// Every API route answers itself, with or without its trailing slash, to
// any method, and never redirects, even behind a proxy that sets
// X-Forwarded-Prefix.
func TestEveryRouteAnswersWithAndWithoutSlash(t *testing.T) {
	base := "http://" + startGateway(t, config.Default())
	proxy := map[string]string{"X-Forwarded-Prefix": "//evil.example", "X-Forwarded-Host": "evil.example"}
	for _, r := range apiRoutes(&handler.Handler{}, &live.Server{}) {
		if strings.Contains(r.path, "/ws/") {
			continue // the live chat socket answers upgrades only (its own tests)
		}
		for _, path := range []string{r.path, strings.TrimSuffix(r.path, "/")} {
			for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut} {
				a := edgeDo(t, method, base+path, proxy)
				if a.status != http.StatusOK || a.location != "" {
					t.Errorf("%s %s: HTTP %d Location %q, want 200 and no redirect", method, path, a.status, a.location)
				}
			}
		}
	}
}

func TestUnknownPathsAndMethodsAnswerJSON(t *testing.T) {
	base := "http://" + startGateway(t, config.Default())
	tests := []struct {
		method, path string
		wantStatus   int
		want         errno.ErrNo
	}{
		{http.MethodGet, "/nope", http.StatusNotFound, errno.NotFound},
		{http.MethodGet, "/web/nope.js", http.StatusNotFound, errno.NotFound},
		{http.MethodPost, "/", http.StatusMethodNotAllowed, errno.MethodNotAllowed},
		{http.MethodGet, "/douyin/nope/", http.StatusNotFound, errno.NotFound},
		{http.MethodPost, "/douyin/user/register/x", http.StatusNotFound, errno.NotFound},
		{http.MethodPost, "/media/videos/a.mp4", http.StatusMethodNotAllowed, errno.MethodNotAllowed},
		{http.MethodDelete, "/static/avatar.png", http.StatusMethodNotAllowed, errno.MethodNotAllowed},
		{http.MethodGet, "/static/nope.png", http.StatusNotFound, errno.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			a := edgeDo(t, tt.method, base+tt.path, map[string]string{"X-Forwarded-Prefix": "/evil"})
			if a.status != tt.wantStatus || a.code != tt.want.Code || a.location != "" {
				t.Fatalf("HTTP %d status_code %d Location %q, want %d with %d and no redirect", a.status, a.code, a.location, tt.wantStatus, tt.want.Code)
			}
		})
	}
	if a := edgeDo(t, http.MethodHead, base+"/static/avatar.png", nil); a.status != http.StatusOK {
		t.Fatalf("HEAD /static/avatar.png: HTTP %d", a.status)
	}
}
