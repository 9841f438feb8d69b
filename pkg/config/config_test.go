package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLoadLayers(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "douyin.yaml")
	if err := os.WriteFile(file, []byte("http_addr: \":9000\"\ndata_dir: /from/file\njwt:\n  ttl: 1h\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		path      string
		env       map[string]string
		wantAddr  string
		wantDir   string
		wantTTL   time.Duration
		wantKafka []string
	}{
		{name: "defaults", wantAddr: ":8080", wantDir: "./data", wantTTL: 7 * 24 * time.Hour},
		{name: "file", path: file, wantAddr: ":9000", wantDir: "/from/file", wantTTL: time.Hour},
		{
			name: "env beats file", path: file,
			env:      map[string]string{"DOUYIN_HTTP_ADDR": ":7000", "DOUYIN_KAFKA_BROKERS": "a:9092,b:9092"},
			wantAddr: ":7000", wantDir: "/from/file", wantTTL: time.Hour, wantKafka: []string{"a:9092", "b:9092"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			cfg, err := Load(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.HTTPAddr != tt.wantAddr || cfg.DataDir != tt.wantDir || cfg.JWT.TTL != tt.wantTTL {
				t.Fatalf("got addr=%q dir=%q ttl=%s", cfg.HTTPAddr, cfg.DataDir, cfg.JWT.TTL)
			}
			if len(cfg.KafkaBrokers) != len(tt.wantKafka) {
				t.Fatalf("kafka brokers %v, want %v", cfg.KafkaBrokers, tt.wantKafka)
			}
		})
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
	}{
		{"negative ttl", map[string]string{"DOUYIN_JWT_TTL": "-1h"}},
		{"zero upload limit", map[string]string{"DOUYIN_UPLOAD_MAX_BYTES": "0"}},
		{"bad duration", map[string]string{"DOUYIN_JWT_TTL": "soon"}},
		{"unknown time zone", map[string]string{"DOUYIN_TIME_ZONE": "Mars/Olympus"}},
		{"no live sockets per user", map[string]string{"DOUYIN_LIVE_MAX_CONNS_PER_USER": "0"}},
		{"no live sockets", map[string]string{"DOUYIN_LIVE_MAX_CONNS": "-1"}},
		{"rate limits neither on nor off", map[string]string{"DOUYIN_RATE_LIMITS": "maybe"}},
		{"rate without a period", map[string]string{"DOUYIN_RATE_LIMIT_LOGIN": "10"}},
		{"rate with a bad period", map[string]string{"DOUYIN_RATE_LIMIT_LOGIN": "10/often"}},
		{"negative rate", map[string]string{"DOUYIN_RATE_LIMIT_LOGIN": "-1/1m"}},
		{"zero read timeout", map[string]string{"DOUYIN_HTTP_READ_TIMEOUT": "0s"}},
		{"zero upload timeout", map[string]string{"DOUYIN_UPLOAD_TIMEOUT": "0s"}},
		{"no concurrent uploads", map[string]string{"DOUYIN_UPLOAD_MAX_CONCURRENT": "0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if _, err := Load(""); err == nil {
				t.Fatal("want an error")
			}
		})
	}
	if _, err := Load("/does/not/exist.yaml"); err == nil {
		t.Fatal("missing file: want an error")
	}
}

// An action's wait for its counters must end well before the caller's RPC
// timeout, or a committed comment or like reaches the client as a timeout
// whenever the consumers lag.
func TestCounterWaitStaysInsideTheRPCTimeout(t *testing.T) {
	for _, timeout := range []time.Duration{500 * time.Millisecond, time.Second, 3 * time.Second, 10 * time.Second} {
		cfg := Default()
		cfg.RPC.Timeout = timeout
		wait := cfg.CounterWait()
		if wait <= 0 || wait > timeout/2 {
			t.Errorf("RPC timeout %s: counter wait %s, want positive and at most half of it", timeout, wait)
		}
	}
	if wait := Default().CounterWait(); wait < time.Second {
		t.Errorf("default counter wait %s is too short for a lagging consumer", wait)
	}
}

func TestTLSBuild(t *testing.T) {
	if c, err := (TLS{}).Build(); c != nil || err != nil {
		t.Fatalf("TLS off: %v %v, want nil", c, err)
	}
	c, err := TLS{Enabled: true, ServerName: "redis.internal"}.Build()
	if err != nil || c == nil || c.ServerName != "redis.internal" || c.RootCAs != nil {
		t.Fatalf("TLS on with system roots: %+v %v", c, err)
	}
	for name, bad := range map[string]TLS{
		"missing CA":       {Enabled: true, CAFile: filepath.Join(t.TempDir(), "none.pem")},
		"key without cert": {Enabled: true, KeyFile: "k.pem"},
	} {
		if _, err := bad.Build(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLoadRejectsInconsistentInfrastructure(t *testing.T) {
	tests := map[string]map[string]string{
		"min ISR above RF":         {"DOUYIN_KAFKA_REPLICATION_FACTOR": "1", "DOUYIN_KAFKA_MIN_INSYNC_REPLICAS": "2"},
		"drain within the refresh": {"DOUYIN_ETCD_ENDPOINTS": "etcd:2379", "DOUYIN_SHUTDOWN_DRAIN": "5s", "DOUYIN_DISCOVERY_REFRESH": "5s"},
		"unknown SASL mechanism":   {"DOUYIN_KAFKA_SASL_MECHANISM": "GSSAPI"},
		"idle pool above open":     {"DOUYIN_MYSQL_MAX_OPEN_CONNS": "5", "DOUYIN_MYSQL_MAX_IDLE_CONNS": "6"},
		"no pool":                  {"DOUYIN_MYSQL_MAX_OPEN_CONNS": "0"},
	}
	for name, env := range tests {
		t.Run(name, func(t *testing.T) {
			for k, v := range env {
				t.Setenv(k, v)
			}
			if _, err := Load(""); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestRateLimits(t *testing.T) {
	file := filepath.Join(t.TempDir(), "douyin.yaml")
	if err := os.WriteFile(file, []byte("rate_limits:\n  comment: 5/10s\n  like: unlimited\n  message: \"0\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOUYIN_RATE_LIMIT_REGISTER", "3/1h")
	cfg, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	l := cfg.RateLimits
	if l.Off() || l.Comment != (Rate{N: 5, Per: 10 * time.Second}) || l.Register != (Rate{N: 3, Per: time.Hour}) ||
		!l.Like.Unlimited() || !l.Message.Unlimited() || l.Login != Default().RateLimits.Login {
		t.Fatalf("rate limits %+v", l)
	}
	for _, mode := range []string{"off", "OFF"} {
		t.Setenv("DOUYIN_RATE_LIMITS", mode)
		if cfg, err := Load(""); err != nil || !cfg.RateLimits.Off() {
			t.Fatalf("DOUYIN_RATE_LIMITS=%s: %v, off=%v", mode, err, cfg.RateLimits.Off())
		}
	}
}
