package main

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// The ceiling and the bare baseline answer the route's bytes, whatever
// the path, through as many Kitex hops as asked.
func TestBaselinesAnswerTheRouteBytes(t *testing.T) {
	body := []byte(`{"status_code":0,"status_msg":"success","video_list":[]}`)
	tests := []struct {
		name  string
		start func() (baseline, error)
	}{
		{"bare", func() (baseline, error) { return startBare(body) }},
		{"one hop", func() (baseline, error) { return startCeiling(body, 1, 4) }},
		{"three hops", func() (baseline, error) { return startCeiling(body, 3, 4) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.start()
			if err != nil {
				t.Fatal(err)
			}
			defer b.close()
			client := http.Client{Timeout: 5 * time.Second}
			res, err := client.Get(b.url() + "/douyin/bare/")
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			got, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK || string(got) != string(body) {
				t.Fatalf("answered %d %q, want 200 %q", res.StatusCode, got, body)
			}
		})
	}
}
