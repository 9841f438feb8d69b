package telemetry

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl"
	tests := []struct {
		in, want string
	}{
		{"/douyin/user/?user_id=7", "/douyin/user/?user_id=7"},
		{"/douyin/user/register/?username=bob&password=secret123", "/douyin/user/register/?username=bob&password=REDACTED"},
		{"http://h/douyin/feed/?token=abc&latest_time=1", "http://h/douyin/feed/?token=REDACTED&latest_time=1"},
		{"?TOKEN=abc;Password=x%20y", "?TOKEN=REDACTED;Password=REDACTED"},
		{"?tok%65n=abc&pass%77ord=xyz", "?tok%65n=REDACTED&pass%77ord=REDACTED"},
		{"token=&password=", "token=REDACTED&password=REDACTED"},
		{"err: bad request line \"GET /?token=abc HTTP/1.1\"", "err: bad request line \"GET /?token=REDACTED HTTP/1.1\""},
		{"Bearer " + jwt + " end", "Bearer REDACTED end"},
		{"mytoken=keep&token_type=keep", "mytoken=keep&token_type=keep"},
		{"no secrets here", "no secrets here"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("a=b&token=secret&password=pw")
	f.Add("?tok%65n=x")
	f.Fuzz(func(t *testing.T, s string) {
		out := Redact(s)
		// Idempotent, and no token=value survives.
		if Redact(out) != out {
			t.Fatalf("Redact not idempotent on %q", s)
		}
		for _, pair := range paramPattern.FindAllStringSubmatch(out, -1) {
			if secretParams[strings.ToLower(pair[1])] && pair[2] != Redacted {
				t.Fatalf("Redact(%q) = %q keeps %s", s, out, pair[0])
			}
		}
	})
}

// BenchmarkRedact is the cost of redacting one gateway span's URL.
func BenchmarkRedact(b *testing.B) {
	url := "http://127.0.0.1:8080/douyin/favorite/action/?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl&video_id=1&action_type=1"
	b.ReportAllocs()
	for b.Loop() {
		Redact(url)
	}
}
