// Package deploy checks the deployment files (docker-compose.yml, the
// Dockerfile and the kustomize base under deploy/k8s) against the one typed
// configuration in pkg/config and against each other, so an environment
// variable renamed or a port changed in one place only fails `go test ./...`.
// It parses the files; it needs no Docker, Kubernetes or network.
package deploy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/douyin-go/douyin/pkg/config"
)

// envPrefix is the prefix config.Load passes to caarlos0/env.
const envPrefix = "DOUYIN_"

// Paths, relative to this package's directory.
const (
	composePath    = "../docker-compose.yml"
	dockerfilePath = "../Dockerfile"
	k8sDir         = "k8s"
)

// ---------------------------------------------------------------------------
// What each process needs. Keep in step with cmd/*/main.go and their app
// packages: this table is the test's statement of who reads what.

// douyinService is one process of the distributed deployment.
type douyinService struct {
	name   string // compose service, binary (cmd/<name>) and k8s container name
	k8s    string // k8s Deployment and Service name
	image  string // image name, without tag
	target string // Dockerfile stage the image is built from
	// listen is the config variable (without DOUYIN_) of its main listen
	// address; listenOf reads the same address from a loaded config.
	listen   string
	listenOf func(config.Config) string
	kitex    bool // a Kitex server, registered in etcd
	ffmpeg   bool // shells out to ffmpeg/ffprobe
	// needs are the config variables (without DOUYIN_) it must be given.
	needs []string
	// peers are the services it calls; when it does not resolve them
	// through etcd it uses their static addresses (SVC_<PEER>_ADDR).
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

var services = []douyinService{
	{
		name: "gateway", k8s: "douyin-gateway", image: "douyin", target: "runtime",
		listen: "HTTP_ADDR", listenOf: func(c config.Config) string { return c.HTTPAddr },
		needs:        needs([]string{"HTTP_ADDR", "JWT_SECRET", "PUBLIC_URL", "ETCD_ENDPOINTS", "ADMIN_ADDR"}, s3Needs),
		peers:        []string{"user", "video", "interaction", "message"},
		waitForPeers: true,
	},
	{
		name: "user", k8s: "douyin-user", image: "douyin", target: "runtime",
		listen: "SVC_USER_ADDR", listenOf: func(c config.Config) string { return c.Services.User },
		kitex: true,
		// PUBLIC_URL: avatar and background links.
		needs: needs(backendNeeds, []string{"SVC_USER_ADDR", "PUBLIC_URL"}),
	},
	{
		name: "video", k8s: "douyin-video", image: "douyin-video", target: "video",
		listen: "SVC_VIDEO_ADDR", listenOf: func(c config.Config) string { return c.Services.Video },
		kitex: true, ffmpeg: true,
		// PUBLIC_URL: media links; S3: the media objects.
		needs: needs(backendNeeds, []string{"SVC_VIDEO_ADDR", "PUBLIC_URL"}, s3Needs),
		peers: []string{"user", "interaction"},
	},
	{
		name: "interaction", k8s: "douyin-interaction", image: "douyin", target: "runtime",
		listen: "SVC_INTERACTION_ADDR", listenOf: func(c config.Config) string { return c.Services.Interaction },
		kitex: true,
		needs: needs(backendNeeds, []string{"SVC_INTERACTION_ADDR"}),
		peers: []string{"user", "video"},
	},
	{
		name: "message", k8s: "douyin-message", image: "douyin", target: "runtime",
		listen: "SVC_MESSAGE_ADDR", listenOf: func(c config.Config) string { return c.Services.Message },
		kitex: true,
		needs: needs(backendNeeds, []string{"SVC_MESSAGE_ADDR"}),
		peers: []string{"user"},
	},
}

// onlyFor are variables that must reach only the listed services: the JWT
// signing key would let any process holding it mint tokens.
var onlyFor = map[string][]string{
	"JWT_SECRET": {"gateway"},
}

// otherEnv are the non-DOUYIN_ variables a douyin container may set (OTEL_*
// is allowed as a whole: the OpenTelemetry SDK reads the standard ones).
var otherEnv = map[string]bool{
	"DOUYIN_CONFIG":                 true, // config file path (config.FromFlagOrEnv)
	"KITEX_ETCD_REGISTRY_LEASE_TTL": true, // registry-etcd lease, seconds
	"KITEX_IP_TO_REGISTRY":          true,
	"KITEX_PORT_TO_REGISTRY":        true,
	"GOMEMLIMIT":                    true,
	"GOMAXPROCS":                    true,
	"GODEBUG":                       true,
	"TZ":                            true,
}

func serviceByName(name string) *douyinService {
	for i := range services {
		if services[i].name == name {
			return &services[i]
		}
	}
	return nil
}

func prefixed(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = envPrefix + n
	}
	return out
}

func svcAddrVar(service string) string { return "SVC_" + strings.ToUpper(service) + "_ADDR" }

// ---------------------------------------------------------------------------
// The configuration's variables, derived from config.Config.

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
	for _, name := range []string{"DOUYIN_HTTP_ADDR", "DOUYIN_SVC_USER_ADDR", "DOUYIN_S3_ENDPOINT", "DOUYIN_JWT_SECRET", "DOUYIN_KAFKA_BROKERS"} {
		if _, ok := vars[name]; !ok {
			t.Errorf("derived variables lack %s: the tag walk is wrong", name)
		}
	}
}

// sampleValue is a value for v in the environment and the field value it
// must parse to, distinct from config.Default.
func sampleValue(t *testing.T, v configVar) (string, any) {
	switch {
	case v.name == "DOUYIN_TIME_ZONE": // validated: must be a real zone
		return "Europe/Paris", "Europe/Paris"
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

// withEnv replaces the DOUYIN_/OTEL_/KITEX_ environment with env for the
// rest of the test.
func withEnv(t *testing.T, env map[string]string) {
	t.Helper()
	saved := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "DOUYIN_") || strings.HasPrefix(k, "OTEL_") || strings.HasPrefix(k, "KITEX_") {
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

// ---------------------------------------------------------------------------
// A deployed service, from compose or k8s, in one shape for the shared checks.

type envValue struct {
	value    string // literal (compose: interpolated with defaults)
	fieldRef string // k8s downward API field, e.g. status.podIP
	from     string // where the value comes from, for messages
}

type probe struct {
	kind string // readiness, liveness, startup
	path string
	port int
}

type instance struct {
	where   string // for messages
	svc     *douyinService
	command []string
	env     map[string]envValue
	ports   map[int]bool // container ports
	probes  []probe
	// peerAddr is the host:port a peer must use to reach service name in
	// this deployment ("" when it cannot be reached).
	peerAddr func(service string) []string
}

func (in instance) String() string { return in.where }

// problems collects what is wrong, so the checks can run on mutated files.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func hostPort(addr string) (string, int, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		return "", 0, fmt.Errorf("port of %q: %w", addr, err)
	}
	return host, n, nil
}

// checkInstance runs the checks shared by compose and k8s.
func checkInstance(p *problems, in instance, vars map[string]configVar) {
	svc := in.svc
	if len(in.command) == 0 || path.Base(in.command[0]) != svc.name {
		p.add("%s: command %q does not run the %s binary", in, in.command, svc.name)
	}
	for name, v := range in.env {
		switch {
		case strings.HasPrefix(name, envPrefix) && name != "DOUYIN_CONFIG":
			if _, ok := vars[name]; !ok {
				p.add("%s: %s (%s) is not a config variable (typo? see pkg/config)", in, name, v.from)
			}
		case strings.HasPrefix(name, "OTEL_"), otherEnv[name]:
		default:
			p.add("%s: unknown variable %s (%s)", in, name, v.from)
		}
	}
	for _, need := range svc.needs {
		v, ok := in.env[envPrefix+need]
		if !ok || (v.value == "" && v.fieldRef == "") {
			p.add("%s: %s needs %s%s, not set", in, svc.name, envPrefix, need)
		}
	}
	for name, allowed := range onlyFor {
		if _, ok := in.env[envPrefix+name]; ok && !slices.Contains(allowed, svc.name) {
			p.add("%s: %s%s must reach only %v", in, envPrefix, name, allowed)
		}
	}

	// Ports: the listen address and the admin address are container ports.
	listen := in.env[envPrefix+svc.listen].value
	host, listenPort, err := hostPort(listen)
	switch {
	case err != nil:
		p.add("%s: %s%s=%q: %v", in, envPrefix, svc.listen, listen, err)
	case host != "" && host != "0.0.0.0" && host != "::":
		p.add("%s: %s%s=%q should listen on all interfaces (\":%d\")", in, envPrefix, svc.listen, listen, listenPort)
	case !in.ports[listenPort]:
		p.add("%s: %s%s=%q but port %d is not a container port (have %v)", in, envPrefix, svc.listen, listen, listenPort, sortedPorts(in.ports))
	}
	admin := in.env[envPrefix+"ADMIN_ADDR"].value
	_, adminPort, err := hostPort(admin)
	switch {
	case err != nil:
		p.add("%s: %sADMIN_ADDR=%q: %v", in, envPrefix, admin, err)
	case !in.ports[adminPort]:
		p.add("%s: %sADMIN_ADDR=%q but port %d is not a container port (have %v)", in, envPrefix, admin, adminPort, sortedPorts(in.ports))
	case adminPort == listenPort:
		p.add("%s: admin and %s share port %d", in, svc.listen, adminPort)
	}

	// Probes hit the admin port: readiness /readyz, liveness /healthz.
	hasReady := false
	for _, pr := range in.probes {
		if pr.port != adminPort {
			p.add("%s: %s probe on port %d, admin is %d", in, pr.kind, pr.port, adminPort)
		}
		wantPath := map[string]string{"readiness": "/readyz", "liveness": "/healthz", "startup": "/healthz"}[pr.kind]
		if pr.path != wantPath {
			p.add("%s: %s probe path %q, want %q", in, pr.kind, pr.path, wantPath)
		}
		hasReady = hasReady || pr.kind == "readiness"
	}
	if !hasReady {
		p.add("%s: no readiness check on the admin port's /readyz", in)
	}

	// Peers are reachable at the static addresses it is given.
	for _, peer := range svc.peers {
		name := envPrefix + svcAddrVar(peer)
		got := in.env[name].value
		want := in.peerAddr(peer)
		if !slices.Contains(want, got) {
			p.add("%s: %s=%q, but %s is reachable at %q", in, name, got, peer, want)
		}
	}
}

func sortedPorts(m map[int]bool) []int {
	var out []int
	for p := range m {
		out = append(out, p)
	}
	sort.Ints(out)
	return out
}

// checkLoads feeds the instance's environment to config.Load, as the
// process would, and checks the addresses it ends up with.
func checkLoads(t *testing.T, in instance) {
	env := map[string]string{}
	for k, v := range in.env {
		env[k] = v.value
		if v.fieldRef != "" {
			env[k] = "10.1.2.3" // what the downward API would give
		}
	}
	withEnv(t, env)
	cfg, err := config.Load("")
	if err != nil {
		t.Errorf("%s: config.Load with this environment: %v", in, err)
		return
	}
	if _, port, err := hostPort(in.svc.listenOf(cfg)); err != nil || !in.ports[port] {
		t.Errorf("%s: the %s binary would listen on %q, not on a container port %v", in, in.svc.name, in.svc.listenOf(cfg), sortedPorts(in.ports))
	}
	if _, port, err := hostPort(cfg.AdminAddr); err != nil || !in.ports[port] {
		t.Errorf("%s: admin would listen on %q, not on a container port %v", in, cfg.AdminAddr, sortedPorts(in.ports))
	}
}

// ---------------------------------------------------------------------------
// Files.

type sources map[string][]byte // path (relative to this package) -> content

func loadSources(t *testing.T) sources {
	src := sources{}
	for _, p := range []string{composePath, dockerfilePath} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		src[p] = b
	}
	entries, err := os.ReadDir(k8sDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || !isYAML(e.Name()) {
			continue
		}
		p := filepath.ToSlash(filepath.Join(k8sDir, e.Name()))
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		src[p] = b
	}
	return src
}

func isYAML(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// ---------------------------------------------------------------------------
// Dockerfile.

type dockerfile struct {
	stages map[string]string // stage name -> its instructions
}

var fromRE = regexp.MustCompile(`(?i)^FROM\s+\S+(?:\s+AS\s+(\S+))?`)

func parseDockerfile(b []byte) dockerfile {
	df := dockerfile{stages: map[string]string{}}
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	stage := ""
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := fromRE.FindStringSubmatch(line); m != nil {
			stage = strings.ToLower(m[1])
			df.stages[stage] += ""
			continue
		}
		df.stages[stage] += line + "\n"
	}
	return df
}

func checkDockerfile(p *problems, src sources) {
	df := parseDockerfile(src[dockerfilePath])
	var build string
	for _, body := range df.stages {
		for _, line := range strings.Split(body, "\n") {
			if strings.Contains(line, "go build") {
				build += line + "\n"
			}
		}
	}
	for _, svc := range services {
		if !regexp.MustCompile(`\./cmd/` + svc.name + `(\s|$)`).MatchString(build) {
			p.add("Dockerfile: go build does not build ./cmd/%s", svc.name)
		}
		body, ok := df.stages[svc.target]
		if !ok {
			p.add("Dockerfile: no stage %q (image of %s)", svc.target, svc.name)
			continue
		}
		if svc.ffmpeg && !strings.Contains(body, "ffmpeg") {
			p.add("Dockerfile: stage %q (image of %s) does not install ffmpeg", svc.target, svc.name)
		}
	}
}

// installed reports whether the Dockerfile apt-get installs package.
func installed(src sources, pkg string) bool {
	for _, body := range parseDockerfile(src[dockerfilePath]).stages {
		for _, line := range strings.Split(body, "\n") {
			if strings.Contains(line, "apt-get install") && slices.Contains(strings.Fields(line), pkg) {
				return true
			}
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// docker-compose.yml.

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
}

type composeService struct {
	Image       string         `yaml:"image"`
	Build       composeBuild   `yaml:"build"`
	Command     stringOrList   `yaml:"command"`
	Entrypoint  stringOrList   `yaml:"entrypoint"`
	Environment composeEnv     `yaml:"environment"`
	Ports       []string       `yaml:"ports"`
	Expose      []string       `yaml:"expose"`
	Healthcheck *composeHealth `yaml:"healthcheck"`
	DependsOn   composeDeps    `yaml:"depends_on"`
}

type composeHealth struct {
	Test    stringOrList `yaml:"test"`
	Disable bool         `yaml:"disable"`
}

// composeBuild is `build: dir` or `build: {context, target}`.
type composeBuild struct {
	Context, Target string
}

func (b *composeBuild) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		b.Context = n.Value
		return nil
	}
	var m struct {
		Context string `yaml:"context"`
		Target  string `yaml:"target"`
	}
	if err := n.Decode(&m); err != nil {
		return err
	}
	b.Context, b.Target = m.Context, m.Target
	return nil
}

type stringOrList []string

func (s *stringOrList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = strings.Fields(n.Value)
		return nil
	}
	var l []string
	err := n.Decode(&l)
	*s = l
	return err
}

// composeEnv is the mapping or the list form of `environment`.
type composeEnv map[string]string

func (e *composeEnv) UnmarshalYAML(n *yaml.Node) error {
	*e = composeEnv{}
	if n.Kind == yaml.SequenceNode {
		var l []string
		if err := n.Decode(&l); err != nil {
			return err
		}
		for _, kv := range l {
			k, v, _ := strings.Cut(kv, "=")
			(*e)[k] = v
		}
		return nil
	}
	var m map[string]any // merge keys (<<: *anchor) are resolved here
	if err := n.Decode(&m); err != nil {
		return err
	}
	for k, v := range m {
		if v == nil {
			(*e)[k] = ""
		} else {
			(*e)[k] = fmt.Sprint(v)
		}
	}
	return nil
}

// composeDeps is the list or the mapping form of `depends_on`.
type composeDeps map[string]string // service -> condition

func (d *composeDeps) UnmarshalYAML(n *yaml.Node) error {
	*d = composeDeps{}
	if n.Kind == yaml.SequenceNode {
		var l []string
		if err := n.Decode(&l); err != nil {
			return err
		}
		for _, s := range l {
			(*d)[s] = "service_started"
		}
		return nil
	}
	var m map[string]struct {
		Condition string `yaml:"condition"`
	}
	if err := n.Decode(&m); err != nil {
		return err
	}
	for s, c := range m {
		cond := c.Condition
		if cond == "" {
			cond = "service_started"
		}
		(*d)[s] = cond
	}
	return nil
}

var interpolationRE = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// interpolate resolves ${VAR:-default} to its default, ${VAR:?msg} to a
// non-empty marker and ${VAR} to "", as compose would with VAR unset.
func interpolate(s string) string {
	return interpolationRE.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		sub := interpolationRE.FindStringSubmatch(m)
		switch {
		case strings.HasSuffix(sub[2], "-"):
			return sub[3]
		case strings.HasSuffix(sub[2], "?"):
			return "<required " + sub[1] + ">"
		}
		return ""
	})
}

// containerPort is the container side of a compose port mapping.
func containerPort(spec string) (int, error) {
	spec, _, _ = strings.Cut(spec, "/")
	parts := strings.Split(spec, ":")
	return strconv.Atoi(parts[len(parts)-1])
}

// infraHosts are the hosts:ports a config value points at, for the
// variables naming infrastructure.
func infraHosts(name, value string) []string {
	switch name {
	case "DOUYIN_MYSQL_DSN":
		if m := regexp.MustCompile(`@tcp\(([^)]+)\)`).FindStringSubmatch(value); m != nil {
			return []string{m[1]}
		}
		return []string{"<no tcp(host:port) in DSN>"}
	case "DOUYIN_REDIS_ADDR", "DOUYIN_S3_ENDPOINT":
		return []string{value}
	case "DOUYIN_KAFKA_BROKERS", "DOUYIN_ETCD_ENDPOINTS":
		var out []string
		for _, h := range strings.Split(value, ",") {
			h = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(h), "http://"), "https://")
			out = append(out, h)
		}
		return out
	case "OTEL_EXPORTER_OTLP_ENDPOINT":
		return []string{strings.TrimPrefix(strings.TrimPrefix(value, "http://"), "https://")}
	}
	return nil
}

var healthURLRE = regexp.MustCompile(`https?://(?:127\.0\.0\.1|localhost):(\d+)(/[^\s"']*)`)

func composeInstances(p *problems, src sources) []instance {
	var cf composeFile
	if err := yaml.Unmarshal(src[composePath], &cf); err != nil {
		p.add("docker-compose.yml: %v", err)
		return nil
	}
	// Each service's own listen port, to check the peers' addresses.
	listenPorts := map[string]int{}
	for _, svc := range services {
		if cs, ok := cf.Services[svc.name]; ok {
			if _, port, err := hostPort(interpolate(cs.Environment[envPrefix+svc.listen])); err == nil {
				listenPorts[svc.name] = port
			}
		}
	}
	var out []instance
	for i := range services {
		svc := &services[i]
		where := "docker-compose.yml service " + svc.name
		cs, ok := cf.Services[svc.name]
		if !ok {
			p.add("docker-compose.yml: no service %s", svc.name)
			continue
		}
		in := instance{
			where: where, svc: svc, env: map[string]envValue{}, ports: map[int]bool{},
			command: append(slices.Clone([]string(cs.Entrypoint)), cs.Command...),
			peerAddr: func(peer string) []string {
				if port, ok := listenPorts[peer]; ok {
					return []string{fmt.Sprintf("%s:%d", peer, port)}
				}
				return nil
			},
		}
		for k, v := range cs.Environment {
			in.env[k] = envValue{value: interpolate(v), from: "environment"}
		}
		for _, e := range cs.Expose {
			port, err := containerPort(e)
			if err != nil {
				p.add("%s: expose %q: %v", where, e, err)
			}
			in.ports[port] = true
		}
		published := map[int]bool{}
		for _, e := range cs.Ports {
			port, err := containerPort(e)
			if err != nil {
				p.add("%s: ports %q: %v", where, e, err)
			}
			in.ports[port], published[port] = true, true
		}
		if svc.name == "gateway" {
			if _, port, err := hostPort(in.env[envPrefix+svc.listen].value); err == nil && !published[port] {
				p.add("%s: the API port %d is not published (ports:)", where, port)
			}
		}
		if hc := cs.Healthcheck; hc != nil && !hc.Disable {
			m := healthURLRE.FindStringSubmatch(strings.Join(hc.Test, " "))
			if len(hc.Test) > 1 && hc.Test[0] == "CMD" && !installed(src, hc.Test[1]) {
				p.add("%s: healthcheck runs %s, which the Dockerfile does not install", where, hc.Test[1])
			}
			if m == nil {
				p.add("%s: healthcheck %q does not fetch a local URL", where, hc.Test)
			} else {
				port, _ := strconv.Atoi(m[1])
				in.probes = append(in.probes, probe{kind: "readiness", path: m[2], port: port})
			}
		}

		// Image: built from the one Dockerfile, at the right target.
		if name, _, _ := strings.Cut(cs.Image, ":"); name != svc.image {
			p.add("%s: image %q, want %s:<tag>", where, cs.Image, svc.image)
		}
		if cs.Build.Context != "." || cs.Build.Target != svc.target {
			p.add("%s: build %+v, want context . target %s", where, cs.Build, svc.target)
		}

		// Start order: the infrastructure it needs is a compose service with
		// a health check, and it waits for it to be healthy.
		for _, name := range append(prefixed(svc.needs), "OTEL_EXPORTER_OTLP_ENDPOINT") {
			v, ok := in.env[name]
			if !ok {
				continue
			}
			for _, hp := range infraHosts(name, v.value) {
				host, _, err := hostPort(hp)
				if err != nil {
					p.add("%s: %s=%q: %v", where, name, v.value, err)
					continue
				}
				dep, ok := cf.Services[host]
				if !ok {
					p.add("%s: %s points at %q, not a service of this file", where, name, host)
					continue
				}
				cond, ok := cs.DependsOn[host]
				switch {
				case !ok:
					p.add("%s: %s points at %s but it does not depend_on %s", where, name, host, host)
				case name == "OTEL_EXPORTER_OTLP_ENDPOINT":
					// Spans are buffered and retried: started is enough.
				case dep.Healthcheck == nil:
					p.add("%s: depends on %s, which has no healthcheck", where, host)
				case cond != "service_healthy":
					p.add("%s: depends_on %s is %q, want service_healthy", where, host, cond)
				}
			}
		}
		if svc.waitForPeers {
			for _, peer := range svc.peers {
				if cs.DependsOn[peer] != "service_healthy" {
					p.add("%s: should start after %s is healthy (depends_on condition service_healthy)", where, peer)
				}
			}
		}
		// Advertising the service name would register every replica of a
		// scaled service under whichever IP the name resolves to first.
		if svc.kitex {
			if v, ok := in.env[envPrefix+"ADVERTISE_HOST"]; ok && v.value != "" {
				p.add("%s: DOUYIN_ADVERTISE_HOST=%q: leave it unset so each replica registers its own IP", where, v.value)
			}
		}
		out = append(out, in)
	}
	return out
}

// ---------------------------------------------------------------------------
// deploy/k8s.

type k8sMeta struct {
	Name        string            `yaml:"name"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type k8sHead struct {
	APIVersion string  `yaml:"apiVersion"`
	Kind       string  `yaml:"kind"`
	Metadata   k8sMeta `yaml:"metadata"`
}

type k8sConfigMap struct {
	Metadata k8sMeta           `yaml:"metadata"`
	Data     map[string]string `yaml:"data"`
}

type k8sSecret struct {
	Metadata   k8sMeta           `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
}

type keyRef struct {
	Name string `yaml:"name"`
	Key  string `yaml:"key"`
}

type k8sProbe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"` // number or port name
	} `yaml:"httpGet"`
}

type k8sContainer struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom *struct {
			FieldRef *struct {
				FieldPath string `yaml:"fieldPath"`
			} `yaml:"fieldRef"`
			SecretKeyRef    *keyRef `yaml:"secretKeyRef"`
			ConfigMapKeyRef *keyRef `yaml:"configMapKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	EnvFrom []struct {
		ConfigMapRef *struct {
			Name string `yaml:"name"`
		} `yaml:"configMapRef"`
		SecretRef *struct {
			Name string `yaml:"name"`
		} `yaml:"secretRef"`
	} `yaml:"envFrom"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	ReadinessProbe *k8sProbe `yaml:"readinessProbe"`
	LivenessProbe  *k8sProbe `yaml:"livenessProbe"`
	StartupProbe   *k8sProbe `yaml:"startupProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
}

type k8sDeployment struct {
	Metadata k8sMeta `yaml:"metadata"`
	Spec     struct {
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata k8sMeta `yaml:"metadata"`
			Spec     struct {
				Containers []k8sContainer `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type k8sService struct {
	Metadata k8sMeta `yaml:"metadata"`
	Spec     struct {
		Selector map[string]string `yaml:"selector"`
		Ports    []struct {
			Name       string `yaml:"name"`
			Port       int    `yaml:"port"`
			TargetPort string `yaml:"targetPort"`
		} `yaml:"ports"`
	} `yaml:"spec"`
}

type k8sKustomization struct {
	Resources []string `yaml:"resources"`
	Images    []struct {
		Name string `yaml:"name"`
	} `yaml:"images"`
}

type k8sObjects struct {
	configMaps  map[string]k8sConfigMap
	secrets     map[string]k8sSecret
	deployments map[string]k8sDeployment
	services    map[string]k8sService
	file        map[string]string // kind/name -> file
}

func parseK8s(p *problems, src sources) k8sObjects {
	objs := k8sObjects{
		configMaps: map[string]k8sConfigMap{}, secrets: map[string]k8sSecret{},
		deployments: map[string]k8sDeployment{}, services: map[string]k8sService{},
		file: map[string]string{},
	}
	var files []string
	for f := range src {
		if strings.HasPrefix(f, k8sDir+"/") && path.Base(f) != "kustomization.yaml" {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	for _, f := range files {
		dec := yaml.NewDecoder(strings.NewReader(string(src[f])))
		for {
			var node yaml.Node
			if err := dec.Decode(&node); err != nil {
				if !errors.Is(err, io.EOF) {
					p.add("%s: %v", f, err)
				}
				break
			}
			var head k8sHead
			if err := node.Decode(&head); err != nil {
				p.add("%s: %v", f, err)
				continue
			}
			if head.Kind == "" {
				continue // an empty document
			}
			key := head.Kind + "/" + head.Metadata.Name
			if prev, dup := objs.file[key]; dup {
				p.add("%s: %s is also defined in %s", f, key, prev)
			}
			objs.file[key] = f
			var err error
			switch head.Kind {
			case "ConfigMap":
				var o k8sConfigMap
				err = node.Decode(&o)
				objs.configMaps[o.Metadata.Name] = o
			case "Secret":
				var o k8sSecret
				err = node.Decode(&o)
				objs.secrets[o.Metadata.Name] = o
			case "Deployment":
				var o k8sDeployment
				err = node.Decode(&o)
				objs.deployments[o.Metadata.Name] = o
			case "Service":
				var o k8sService
				err = node.Decode(&o)
				objs.services[o.Metadata.Name] = o
			}
			if err != nil {
				p.add("%s: %s: %v", f, key, err)
			}
		}
	}
	return objs
}

// resolvePort turns a numeric or named port into the container port.
func resolvePort(port string, c k8sContainer) (int, bool) {
	if n, err := strconv.Atoi(port); err == nil {
		for _, cp := range c.Ports {
			if cp.ContainerPort == n {
				return n, true
			}
		}
		return n, false
	}
	for _, cp := range c.Ports {
		if cp.Name == port {
			return cp.ContainerPort, true
		}
	}
	return 0, false
}

func subset(sub, of map[string]string) bool {
	if len(sub) == 0 {
		return false
	}
	for k, v := range sub {
		if of[k] != v {
			return false
		}
	}
	return true
}

func checkKustomization(p *problems, src sources) {
	kpath := k8sDir + "/kustomization.yaml"
	raw, ok := src[kpath]
	if !ok {
		p.add("%s: missing", kpath)
		return
	}
	var k k8sKustomization
	if err := yaml.Unmarshal(raw, &k); err != nil {
		p.add("%s: %v", kpath, err)
		return
	}
	listed := map[string]bool{}
	for _, r := range k.Resources {
		listed[k8sDir+"/"+r] = true
		if isYAML(r) {
			if _, ok := src[k8sDir+"/"+r]; !ok {
				p.add("%s: resource %s does not exist", kpath, r)
			}
		}
	}
	for f := range src {
		if strings.HasPrefix(f, k8sDir+"/") && f != kpath && !listed[f] {
			p.add("%s: %s is not listed in resources", kpath, f)
		}
	}
	images := map[string]bool{}
	for _, img := range k.Images {
		images[img.Name] = true
	}
	for _, svc := range services {
		if !images[svc.image] {
			p.add("%s: images: has no entry for %s (the override point of its tag)", kpath, svc.image)
		}
	}
}

func k8sInstances(p *problems, src sources) []instance {
	objs := parseK8s(p, src)
	checkKustomization(p, src)

	known := map[string]bool{}
	for _, svc := range services {
		known[svc.k8s] = true
	}
	for name := range objs.deployments {
		if !known[name] {
			p.add("deploy/k8s: Deployment %s is not in this test's services table", name)
		}
	}

	// The address a peer uses for service name: <Service>:<port> for every
	// Service port that leads to the service's listen port.
	peerAddr := func(name string) []string {
		svc := serviceByName(name)
		dep, ok := objs.deployments[svc.k8s]
		ks, ok2 := objs.services[svc.k8s]
		if !ok || !ok2 || len(dep.Spec.Template.Spec.Containers) == 0 {
			return nil
		}
		c := containerOf(dep, svc.name)
		var listen string
		for _, e := range c.Env {
			if e.Name == envPrefix+svc.listen {
				listen = e.Value
			}
		}
		_, port, err := hostPort(listen)
		if err != nil {
			return nil
		}
		var out []string
		for _, sp := range ks.Spec.Ports {
			if target, ok := resolvePort(sp.TargetPort, c); ok && target == port {
				out = append(out, fmt.Sprintf("%s:%d", ks.Metadata.Name, sp.Port))
			}
		}
		return out
	}

	var out []instance
	for i := range services {
		svc := &services[i]
		dep, ok := objs.deployments[svc.k8s]
		if !ok {
			p.add("deploy/k8s: no Deployment %s", svc.k8s)
			continue
		}
		where := "deploy/" + objs.file["Deployment/"+svc.k8s] + " Deployment " + svc.k8s
		podLabels := dep.Spec.Template.Metadata.Labels
		if !subset(dep.Spec.Selector.MatchLabels, podLabels) {
			p.add("%s: selector %v does not match the pod labels %v", where, dep.Spec.Selector.MatchLabels, podLabels)
		}
		c := containerOf(dep, svc.name)
		if c.Name == "" {
			p.add("%s: no container named %s", where, svc.name)
			continue
		}
		in := instance{
			where: where, svc: svc, env: map[string]envValue{}, ports: map[int]bool{},
			command:  append(slices.Clone(c.Command), c.Args...),
			peerAddr: peerAddr,
		}
		if len(c.Command) == 0 {
			in.command = nil // the image's CMD is not what the test can see
		}
		if name, _, _ := strings.Cut(c.Image, ":"); name != svc.image {
			p.add("%s: image %q, want %s:<tag>", where, c.Image, svc.image)
		}

		// Environment: envFrom first, env entries override.
		for _, ef := range c.EnvFrom {
			switch {
			case ef.ConfigMapRef != nil:
				cm, ok := objs.configMaps[ef.ConfigMapRef.Name]
				if !ok {
					p.add("%s: envFrom ConfigMap %s does not exist", where, ef.ConfigMapRef.Name)
				}
				for k, v := range cm.Data {
					in.env[k] = envValue{value: v, from: "ConfigMap " + cm.Metadata.Name}
				}
			case ef.SecretRef != nil:
				s, ok := objs.secrets[ef.SecretRef.Name]
				if !ok {
					p.add("%s: envFrom Secret %s does not exist", where, ef.SecretRef.Name)
				}
				for k, v := range s.StringData {
					in.env[k] = envValue{value: v, from: "Secret " + s.Metadata.Name}
				}
				for k := range s.Data {
					in.env[k] = envValue{value: "<data>", from: "Secret " + s.Metadata.Name}
				}
			}
		}
		for _, e := range c.Env {
			v := envValue{value: e.Value, from: "env"}
			if vf := e.ValueFrom; vf != nil {
				switch {
				case vf.FieldRef != nil:
					v.fieldRef = vf.FieldRef.FieldPath
				case vf.SecretKeyRef != nil:
					s, ok := objs.secrets[vf.SecretKeyRef.Name]
					val, ok2 := s.StringData[vf.SecretKeyRef.Key]
					if _, inData := s.Data[vf.SecretKeyRef.Key]; inData {
						val, ok2 = "<data>", true
					}
					if !ok || !ok2 {
						p.add("%s: %s from Secret %s key %s, which does not exist", where, e.Name, vf.SecretKeyRef.Name, vf.SecretKeyRef.Key)
					}
					v = envValue{value: val, from: "Secret " + vf.SecretKeyRef.Name}
				case vf.ConfigMapKeyRef != nil:
					cm, ok := objs.configMaps[vf.ConfigMapKeyRef.Name]
					val, ok2 := cm.Data[vf.ConfigMapKeyRef.Key]
					if !ok || !ok2 {
						p.add("%s: %s from ConfigMap %s key %s, which does not exist", where, e.Name, vf.ConfigMapKeyRef.Name, vf.ConfigMapKeyRef.Key)
					}
					v = envValue{value: val, from: "ConfigMap " + vf.ConfigMapKeyRef.Name}
				}
			}
			in.env[e.Name] = v
		}
		if svc.kitex {
			if v := in.env[envPrefix+"ADVERTISE_HOST"]; v.fieldRef != "status.podIP" {
				p.add("%s: DOUYIN_ADVERTISE_HOST should come from fieldRef status.podIP", where)
			}
		}

		for _, cp := range c.Ports {
			in.ports[cp.ContainerPort] = true
		}
		for _, pr := range []struct {
			kind string
			p    *k8sProbe
		}{{"readiness", c.ReadinessProbe}, {"liveness", c.LivenessProbe}, {"startup", c.StartupProbe}} {
			if pr.p == nil {
				if pr.kind != "startup" {
					p.add("%s: no %s probe", where, pr.kind)
				}
				continue
			}
			if pr.p.HTTPGet == nil {
				p.add("%s: %s probe is not an httpGet on the admin port", where, pr.kind)
				continue
			}
			port, ok := resolvePort(pr.p.HTTPGet.Port, c)
			if !ok {
				p.add("%s: %s probe port %q is not a container port", where, pr.kind, pr.p.HTTPGet.Port)
			}
			in.probes = append(in.probes, probe{kind: pr.kind, path: pr.p.HTTPGet.Path, port: port})
		}
		if ann := dep.Spec.Template.Metadata.Annotations["prometheus.io/port"]; ann != "" {
			_, adminPort, _ := hostPort(in.env[envPrefix+"ADMIN_ADDR"].value)
			if ann != strconv.Itoa(adminPort) {
				p.add("%s: prometheus.io/port %s, admin is %d", where, ann, adminPort)
			}
		}
		for _, res := range []string{"cpu", "memory"} {
			if c.Resources.Requests[res] == "" || c.Resources.Limits[res] == "" {
				p.add("%s: resources need requests and limits of %s", where, res)
			}
		}

		// Its Service selects these pods, and every targetPort is a container port.
		ks, ok := objs.services[svc.k8s]
		if !ok {
			p.add("deploy/k8s: no Service %s", svc.k8s)
		} else {
			if !subset(ks.Spec.Selector, podLabels) {
				p.add("deploy/k8s Service %s: selector %v does not match the pods of %s %v", svc.k8s, ks.Spec.Selector, svc.k8s, podLabels)
			}
			exposesListen := false
			_, listenPort, _ := hostPort(in.env[envPrefix+svc.listen].value)
			for _, sp := range ks.Spec.Ports {
				target, ok := resolvePort(sp.TargetPort, c)
				if !ok {
					p.add("deploy/k8s Service %s: port %s targetPort %q is not a container port of %s", svc.k8s, sp.Name, sp.TargetPort, svc.k8s)
				}
				exposesListen = exposesListen || target == listenPort
			}
			if !exposesListen {
				p.add("deploy/k8s Service %s: no port leads to %s's listen port %d", svc.k8s, svc.name, listenPort)
			}
		}
		out = append(out, in)
	}
	return out
}

func containerOf(dep k8sDeployment, name string) k8sContainer {
	for _, c := range dep.Spec.Template.Spec.Containers {
		if c.Name == name {
			return c
		}
	}
	return k8sContainer{}
}

// ---------------------------------------------------------------------------
// The tests.

// check runs every check on src.
func check(t testing.TB, src sources) problems {
	var p problems
	vars := configVars(t)
	checkDockerfile(&p, src)
	compose := composeInstances(&p, src)
	for _, in := range append(compose, k8sInstances(&p, src)...) {
		checkInstance(&p, in, vars)
	}
	return p
}

func TestDeploymentFilesMatchConfig(t *testing.T) {
	src := loadSources(t)
	for _, problem := range check(t, src) {
		t.Error(problem)
	}
}

// TestEnvironmentLoads feeds each container's environment to config.Load,
// as the binary would, so values that do not parse (a bad duration, a
// non-numeric port) fail here rather than at start.
func TestEnvironmentLoads(t *testing.T) {
	src := loadSources(t)
	var p problems
	compose := composeInstances(&p, src)
	all := append(compose, k8sInstances(&p, src)...)
	if len(all) != 2*len(services) {
		t.Fatalf("found %d deployed services, want %d: %v", len(all), 2*len(services), p)
	}
	for _, in := range all {
		t.Run(strings.ReplaceAll(in.where, "/", "_"), func(t *testing.T) { checkLoads(t, in) })
	}
}

// TestChecksCatchDrift changes one place of one file and expects the
// checks to notice, so they cannot quietly stop checking.
func TestChecksCatchDrift(t *testing.T) {
	const (
		compose = composePath
		docker  = dockerfilePath
		kust    = k8sDir + "/kustomization.yaml"
	)
	cases := []struct {
		name, file, old, new, want string
	}{
		{"compose listen port changed, expose not", compose, `DOUYIN_SVC_USER_ADDR: ":8881"`, `DOUYIN_SVC_USER_ADDR: ":8891"`, "port 8891 is not a container port"},
		{"compose expose changed, listen port not", compose, `expose: ["8882", "9090"]`, `expose: ["8892", "9090"]`, "port 8882 is not a container port"},
		{"compose env name typo", compose, `DOUYIN_REDIS_ADDR: "redis:6379"`, `DOUYIN_REDIS_ADRR: "redis:6379"`, "DOUYIN_REDIS_ADRR (environment) is not a config variable"},
		{"compose own listen override dropped", compose, "      DOUYIN_SVC_MESSAGE_ADDR: \":8884\"\n", "", "should listen on all interfaces"},
		{"compose peer address wrong", compose, `DOUYIN_SVC_INTERACTION_ADDR: "interaction:8883"`, `DOUYIN_SVC_INTERACTION_ADDR: "interaction:8893"`, "interaction is reachable at"},
		{"compose health check on another port", compose, "127.0.0.1:9090/readyz", "127.0.0.1:9091/readyz", "readiness probe on port 9091"},
		{"compose admin port changed", compose, `DOUYIN_ADMIN_ADDR: ":9090"`, `DOUYIN_ADMIN_ADDR: ":9095"`, "port 9095 is not a container port"},
		{"compose gateway API not published", compose, "ports:\n      - \"8080:8080\"\n    expose: [\"9090\"]", "expose: [\"8080\", \"9090\"]", "API port 8080 is not published"},
		{"compose gateway port mapping changed", compose, `"8080:8080"`, `"8080:8081"`, "port 8080 is not a container port"},
		{"compose video built without ffmpeg", compose, "target: video", "target: runtime", "want context . target video"},
		{"compose wrong binary", compose, `command: ["interaction"]`, `command: ["message"]`, "does not run the interaction binary"},
		{"compose kafka not waited for", compose, "  kafka: { condition: service_healthy }\n", "", "does not depend_on kafka"},
		{"compose jwt secret dropped", compose, "DOUYIN_JWT_SECRET:", "X_DOUYIN_JWT_SECRET:", "needs DOUYIN_JWT_SECRET"},
		{"dockerfile binary not built", docker, "./cmd/message ", "", "does not build ./cmd/message"},
		{"dockerfile without the health check's curl", docker, "ca-certificates tzdata curl", "ca-certificates tzdata", "healthcheck runs curl"},
		{"dockerfile video stage without ffmpeg", docker, "--no-install-recommends ffmpeg", "--no-install-recommends", "does not install ffmpeg"},
		{"k8s container port changed", k8sDir + "/user.yaml", "containerPort: 8881", "containerPort: 8891", "port 8881 is not a container port"},
		{"k8s listen port changed", k8sDir + "/video.yaml", `value: ":8882"`, `value: ":8892"`, "port 8892 is not a container port"},
		{"k8s configmap name typo", k8sDir + "/configmap.yaml", "DOUYIN_KAFKA_BROKERS:", "DOUYIN_KAFKA_BROKER:", "DOUYIN_KAFKA_BROKER (ConfigMap douyin-config) is not a config variable"},
		{"k8s peer address port", k8sDir + "/configmap.yaml", `"douyin-user:8881"`, `"douyin-user:8891"`, "user is reachable at"},
		{"k8s readiness path", k8sDir + "/interaction.yaml", "path: /readyz", "path: /ready", `readiness probe path "/ready"`},
		{"k8s probe on the kitex port", k8sDir + "/message.yaml", "              port: admin\n            periodSeconds: 10", "              port: kitex\n            periodSeconds: 10", "liveness probe on port 8884"},
		{"k8s service targetPort typo", k8sDir + "/video.yaml", "targetPort: kitex", "targetPort: kitx", `targetPort "kitx" is not a container port`},
		{"k8s admin port changed", k8sDir + "/configmap.yaml", `DOUYIN_ADMIN_ADDR: ":9090"`, `DOUYIN_ADMIN_ADDR: ":9091"`, "port 9091 is not a container port"},
		{"k8s secret key missing", k8sDir + "/secret.yaml", "DOUYIN_JWT_SECRET:", "DOUYIN_JWT_SECRETS:", "key DOUYIN_JWT_SECRET, which does not exist"},
		{"k8s jwt secret given to a service", k8sDir + "/user.yaml", "name: DOUYIN_REDIS_PASSWORD", "name: DOUYIN_JWT_SECRET", "DOUYIN_JWT_SECRET must reach only [gateway]"},
		{"k8s selector mismatch", k8sDir + "/gateway.yaml", "  selector:\n    app.kubernetes.io/name: douyin-gateway", "  selector:\n    app.kubernetes.io/name: douyin-gw", "does not match the pods"},
		{"k8s advertise host not the pod IP", k8sDir + "/user.yaml", "fieldPath: status.podIP", "fieldPath: spec.nodeName", "status.podIP"},
		{"k8s manifest not in kustomization", kust, "  - message.yaml\n", "", "message.yaml is not listed"},
		{"k8s image renamed", k8sDir + "/video.yaml", "image: douyin-video:latest", "image: douyin:latest", "want douyin-video:<tag>"},
	}
	base := loadSources(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			content, ok := base[tc.file]
			if !ok || !strings.Contains(string(content), tc.old) {
				t.Fatalf("%s no longer contains %q: update this case", tc.file, tc.old)
			}
			src := sources{}
			for k, v := range base {
				src[k] = v
			}
			src[tc.file] = []byte(strings.Replace(string(content), tc.old, tc.new, 1))
			got := check(t, src)
			if len(got) == 0 {
				t.Fatalf("changing %q to %q in %s went unnoticed", tc.old, tc.new, tc.file)
			}
			if tc.want != "" && !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, tc.want) }) {
				t.Errorf("no problem mentions %q; got:\n%s", tc.want, strings.Join(got, "\n"))
			}
		})
	}
}
