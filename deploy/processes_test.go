// Package deploy checks the deployment files against the one typed
// configuration in pkg/config and against each other, with the
// ecosystem's own loaders: compose-go loads docker-compose.yml with its
// schema, kustomize builds the base and every overlay, and every object is
// decoded strictly into its Kubernetes API type. An environment variable
// renamed, a port changed in one place, a credential or listener that does
// not match the server it points at, or a misspelled key fails
// `go test ./deploy`. It needs no Docker, Kubernetes or network.
package deploy

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/douyin-go/douyin/pkg/config"
)

// envPrefix is the prefix config.Load passes to caarlos0/env.
const envPrefix = "DOUYIN_"

// Paths, relative to this package's directory.
const (
	repoRoot       = ".."
	composePath    = "../docker-compose.yml"
	dockerfilePath = "../Dockerfile"
	goModPath      = "../go.mod"
	k8sDir         = "k8s"
	observability  = "observability"
)

// process is one douyin process of the distributed deployment: the test's
// statement of who reads what. Keep it in step with cmd/*/app.
type process struct {
	name   string // compose service, binary (cmd/<name>) and k8s container name
	k8s    string // k8s Deployment and Service name
	image  string // k8s image name, without registry or tag
	target string // Dockerfile stage its image is built from
	// listen is the config variable (without DOUYIN_) of its main listen
	// address; listenOf reads the same address from a loaded config.
	listen   string
	listenOf func(config.Config) string
	kitex    bool // a Kitex server, registered in etcd
	ffmpeg   bool // shells out to ffmpeg/ffprobe
	database bool // holds a MySQL pool (counts against max_connections)
	kafka    bool // relays or consumes events
	// spool: uploads pass through its /tmp.
	spool bool
	// needs are the config variables (without DOUYIN_) it must be given.
	needs []string
	// peers are the services it calls; without etcd it uses their static
	// addresses (SVC_<PEER>_ADDR).
	peers []string
	// waitForPeers: compose starts it only after its peers are healthy.
	waitForPeers bool
}

var (
	backendNeeds = []string{"MYSQL_DSN", "REDIS_ADDR", "KAFKA_BROKERS", "ETCD_ENDPOINTS", "ADMIN_ADDR"}
	s3Needs      = []string{"S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_BUCKET"}
)

func needs(groups ...[]string) []string {
	var out []string
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

var processes = []process{
	{
		name: "gateway", k8s: "douyin-gateway", image: "douyin", target: "runtime",
		listen: "HTTP_ADDR", listenOf: func(c config.Config) string { return c.HTTPAddr },
		spool: true,
		// REDIS_ADDR: the rate limits every replica shares; KAFKA_BROKERS:
		// every replica reads the message events for live chat.
		needs:        needs([]string{"HTTP_ADDR", "JWT_SECRET", "PUBLIC_URL", "REDIS_ADDR", "ETCD_ENDPOINTS", "ADMIN_ADDR", "KAFKA_BROKERS"}, s3Needs),
		peers:        []string{"user", "video", "interaction", "message"},
		waitForPeers: true,
	},
	{
		name: "user", k8s: "douyin-user", image: "douyin", target: "runtime",
		listen: "SVC_USER_ADDR", listenOf: func(c config.Config) string { return c.Services.User },
		kitex: true, database: true, kafka: true,
		// PUBLIC_URL: avatar and background links.
		needs: needs(backendNeeds, []string{"SVC_USER_ADDR", "PUBLIC_URL"}),
	},
	{
		name: "video", k8s: "douyin-video", image: "douyin-video", target: "video",
		listen: "SVC_VIDEO_ADDR", listenOf: func(c config.Config) string { return c.Services.Video },
		kitex: true, ffmpeg: true, database: true, kafka: true, spool: true,
		// PUBLIC_URL: media links; S3: the media objects.
		needs: needs(backendNeeds, []string{"SVC_VIDEO_ADDR", "PUBLIC_URL"}, s3Needs),
		peers: []string{"user", "interaction"},
	},
	{
		name: "interaction", k8s: "douyin-interaction", image: "douyin", target: "runtime",
		listen: "SVC_INTERACTION_ADDR", listenOf: func(c config.Config) string { return c.Services.Interaction },
		kitex: true, database: true, kafka: true,
		needs: needs(backendNeeds, []string{"SVC_INTERACTION_ADDR"}),
		peers: []string{"user", "video"},
	},
	{
		name: "message", k8s: "douyin-message", image: "douyin", target: "runtime",
		listen: "SVC_MESSAGE_ADDR", listenOf: func(c config.Config) string { return c.Services.Message },
		kitex: true, database: true,
		needs: needs(backendNeeds, []string{"SVC_MESSAGE_ADDR"}),
		peers: []string{"user"},
	},
}

// onlyFor are variables that must reach only the listed processes: the JWT
// signing key would let any process holding it mint tokens.
var onlyFor = map[string][]string{
	"JWT_SECRET": {"gateway"},
}

// otherEnv are the non-DOUYIN_ variables a douyin container may set (OTEL_*
// is allowed as a whole: the OpenTelemetry SDK reads the standard ones).
var otherEnv = map[string]bool{
	"DOUYIN_CONFIG": true, // config file path (config.FromFlagOrEnv)
	"GOMEMLIMIT":    true,
	"GOMAXPROCS":    true,
	"GODEBUG":       true,
	"TZ":            true,
}

// secretKeys are the keys of the douyin-secrets Secret: the deploy tests
// and deploy/k8s/README.md list the same.
var secretKeys = []string{
	"DOUYIN_JWT_SECRET", "DOUYIN_MYSQL_DSN", "DOUYIN_MYSQL_MIGRATE_DSN", "DOUYIN_REDIS_PASSWORD",
	"DOUYIN_S3_ACCESS_KEY", "DOUYIN_S3_SECRET_KEY", "DOUYIN_KAFKA_SASL_PASSWORD", "DOUYIN_ETCD_PASSWORD",
}

func svcAddrVar(service string) string { return "SVC_" + strings.ToUpper(service) + "_ADDR" }

// configVar is one DOUYIN_* variable and the field it fills.
type configVar struct {
	name  string
	index []int
	field string
	typ   reflect.Type
}

// configVars walks config.Config the way caarlos0/env does with prefix
// DOUYIN_: a field with an `env` tag is the variable prefix+tag; a nested
// struct adds its `envPrefix` to the prefix of its fields.
func configVars(t testing.TB) map[string]configVar {
	out := map[string]configVar{}
	var walk func(typ reflect.Type, prefix string, index []int, path string)
	walk = func(typ reflect.Type, prefix string, index []int, path string) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			idx := append(slices.Clone(index), i)
			fieldPath := strings.TrimPrefix(path+"."+f.Name, ".")
			if tag, ok := f.Tag.Lookup("env"); ok {
				if name, _, _ := strings.Cut(tag, ","); name != "" {
					out[prefix+name] = configVar{name: prefix + name, index: idx, field: fieldPath, typ: f.Type}
					continue
				}
			}
			ft := f.Type
			if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct {
				t.Fatalf("config field %s is a pointer to a struct: teach configVars to follow it", fieldPath)
			}
			if ft.Kind() == reflect.Struct && ft != reflect.TypeOf(time.Time{}) {
				walk(ft, prefix+f.Tag.Get("envPrefix"), idx, fieldPath)
			}
		}
	}
	walk(reflect.TypeOf(config.Config{}), envPrefix, nil, "")
	if len(out) == 0 {
		t.Fatal("no DOUYIN_* variables found in config.Config")
	}
	return out
}

// TestConfigVarsAreWhatLoadReads proves the walk above names the variables
// config.Load really reads: each one, set, lands in its field.
func TestConfigVarsAreWhatLoadReads(t *testing.T) {
	vars := configVars(t)
	env := map[string]string{}
	want := map[string]any{}
	for name, v := range vars {
		raw, parsed := sampleValue(t, v)
		env[name] = raw
		want[name] = parsed
	}
	withEnv(t, env)
	cfg, err := config.Load("")
	if err != nil {
		t.Fatalf("config.Load with every variable set: %v", err)
	}
	rv := reflect.ValueOf(cfg)
	for name, v := range vars {
		if got := rv.FieldByIndex(v.index).Interface(); !reflect.DeepEqual(got, want[name]) {
			t.Errorf("%s=%q set config field %s to %#v, want %#v", name, env[name], v.field, got, want[name])
		}
	}
	for _, name := range []string{"DOUYIN_HTTP_ADDR", "DOUYIN_SVC_USER_ADDR", "DOUYIN_S3_ENDPOINT", "DOUYIN_JWT_SECRET", "DOUYIN_KAFKA_TLS_ENABLED"} {
		if _, ok := vars[name]; !ok {
			t.Errorf("derived variables lack %s: the tag walk is wrong", name)
		}
	}
}

// sampleValue is a value for v in the environment and the field value it
// must parse to, distinct from config.Default and valid together.
func sampleValue(t *testing.T, v configVar) (string, any) {
	switch {
	case v.name == "DOUYIN_TIME_ZONE": // validated: must be a real zone
		return "Europe/Paris", "Europe/Paris"
	case v.name == "DOUYIN_KAFKA_SASL_MECHANISM": // validated: one of a few
		return "SCRAM-SHA-512", "SCRAM-SHA-512"
	case v.name == "DOUYIN_SHUTDOWN_DRAIN": // must exceed the refresh (17s)
		return "18s", 18 * time.Second
	case v.name == "DOUYIN_RATE_LIMITS": // validated: on or off
		return "off", "off"
	case v.typ == reflect.TypeOf(config.Rate{}):
		return "7/1m", config.Rate{N: 7, Per: time.Minute}
	case v.typ == reflect.TypeOf(time.Duration(0)):
		return "17s", 17 * time.Second
	case v.typ.Kind() == reflect.String:
		return "sample-" + strings.ToLower(v.name), "sample-" + strings.ToLower(v.name)
	case v.typ.Kind() == reflect.Bool:
		return "true", true
	case v.typ.Kind() == reflect.Int:
		return "4242", 4242
	case v.typ.Kind() == reflect.Int64:
		return "4242", int64(4242)
	case v.typ.Kind() == reflect.Slice && v.typ.Elem().Kind() == reflect.String:
		return "a:1,b:2", []string{"a:1", "b:2"}
	}
	t.Fatalf("no sample value for %s of type %s: extend sampleValue", v.name, v.typ)
	return "", nil
}

// withEnv replaces the DOUYIN_/OTEL_ environment with env for the rest of
// the test.
func withEnv(t *testing.T, env map[string]string) {
	t.Helper()
	saved := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "DOUYIN_") || strings.HasPrefix(k, "OTEL_") {
			saved[k] = v
			os.Unsetenv(k)
		}
	}
	for k, v := range env {
		os.Setenv(k, v)
	}
	t.Cleanup(func() {
		for k := range env {
			os.Unsetenv(k)
		}
		for k, v := range saved {
			os.Setenv(k, v)
		}
	})
}
