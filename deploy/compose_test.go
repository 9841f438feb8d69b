package deploy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"
)

// composeEnv is the .env a user writes (README): the two required values.
var composeEnv = map[string]string{
	"DOUYIN_JWT_SECRET": "0123456789abcdef0123456789abcdef",
	"DOUYIN_PUBLIC_URL": "http://192.168.1.20:8080",
}

// loadCompose loads content as docker compose would, with schema
// validation and interpolation, in the repository root.
func loadCompose(content []byte, env map[string]string) (*types.Project, error) {
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		return nil, err
	}
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  root,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(root, "docker-compose.yml"), Content: content}},
		Environment: env,
	}, func(o *loader.Options) { o.SetProjectName("douyin", true) })
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// composePorts are the ports each infrastructure image listens on, by
// compose service (the images' documented defaults; kafka and etcd are
// read from their own settings).
var composePorts = map[string][]int{"mysql": {3306}, "redis": {6379}, "minio": {9000, 9001}, "jaeger": {4317, 16686}}

// checkCompose runs every compose check on a loaded project.
func checkCompose(p *problems, proj *types.Project, vars map[string]configVar) {
	checkComposeImages(p, proj)
	checkComposeExposure(p, proj)
	inf := composeInfra(p, proj)
	budget := 1 // the migrate service
	for _, proc := range processes {
		svc, ok := proj.Services[proc.name]
		if !ok {
			p.add("compose: no service %q", proc.name)
			continue
		}
		in := composeInstance(proj, svc, &proc)
		checkInstance(p, in, vars)
		checkInfra(p, in, inf)
		checkComposeService(p, proj, svc, in)
		if proc.database {
			budget += poolSize(in)
		}
	}
	if limit := inf.mysql.maxConns - 10; budget > limit {
		p.add("compose: the douyin pools need %d MySQL connections, max_connections %d leaves %d", budget, inf.mysql.maxConns, limit)
	}
	checkMigrateService(p, proj, inf)
}

// poolSize is a process's MySQL pool (DOUYIN_MYSQL_MAX_OPEN_CONNS or the default).
func poolSize(in instance) int {
	n, err := strconv.Atoi(in.value("DOUYIN_MYSQL_MAX_OPEN_CONNS", ""))
	if err != nil {
		return defaultConfig().MySQLMaxOpenConns
	}
	return n
}

// checkComposeImages: no two services export the same image (parallel
// builds fail with "image already exists"); images of infrastructure are
// pinned; every service restarts on its own.
func checkComposeImages(p *problems, proj *types.Project) {
	owner := map[string]string{}
	for name, svc := range proj.Services {
		if svc.Build != nil {
			if prev, ok := owner[svc.Image]; ok {
				p.add("compose: %s and %s both build image %q: parallel builds collide", prev, name, svc.Image)
			}
			owner[svc.Image] = name
		} else if tag := imageTag(svc.Image); tag == "" || tag == "latest" {
			p.add("compose: %s uses image %q without a pinned tag", name, svc.Image)
		}
		want := "unless-stopped"
		if name == "migrate" {
			want = "on-failure"
		}
		if svc.Restart != want {
			p.add("compose: %s has restart %q, want %q", name, svc.Restart, want)
		}
	}
}

// imageTag is the tag of an image reference ("" when it has none).
func imageTag(ref string) string {
	if i := strings.LastIndex(ref, "@"); i >= 0 {
		return ref[i:]
	}
	last := ref[strings.LastIndex(ref, "/")+1:]
	if _, tag, ok := strings.Cut(last, ":"); ok {
		return tag
	}
	return ""
}

// checkComposeExposure: only the API is published on every interface;
// consoles, UIs and OTLP only on loopback.
func checkComposeExposure(p *problems, proj *types.Project) {
	for name, svc := range proj.Services {
		for _, port := range svc.Ports {
			public := name == "gateway" && port.Target == 8080
			if !public && port.HostIP != "127.0.0.1" {
				p.add("compose: %s publishes port %d on %q, want 127.0.0.1 only", name, port.Target, port.HostIP)
			}
		}
	}
}

// composeInstance is a compose service in the shared shape.
func composeInstance(proj *types.Project, svc types.ServiceConfig, proc *process) instance {
	in := instance{
		where:   "docker-compose.yml/" + svc.Name,
		proc:    proc,
		command: svc.Command,
		env:     map[string]envValue{},
		ports:   map[int]bool{},
		peerAddr: func(peer string) []string {
			if s, ok := proj.Services[peer]; ok {
				var out []string
				for _, e := range s.Expose {
					out = append(out, peer+":"+e)
				}
				return out
			}
			return nil
		},
	}
	for k, v := range svc.Environment {
		val := ""
		if v != nil {
			val = *v
		}
		in.env[k] = envValue{value: val, from: "environment"}
	}
	for _, e := range svc.Expose {
		if n, err := strconv.Atoi(e); err == nil {
			in.ports[n] = true
		}
	}
	for _, port := range svc.Ports {
		in.ports[int(port.Target)] = true
	}
	if hc := svc.HealthCheck; hc != nil && !hc.Disable {
		if m := regexp.MustCompile(`http://[^/:]+:(\d+)(/\S*)`).FindStringSubmatch(strings.Join(hc.Test, " ")); m != nil {
			port, _ := strconv.Atoi(m[1])
			in.probes = append(in.probes, probe{kind: "readiness", path: m[2], port: port})
		}
	}
	return in
}

// checkComposeService: what a douyin service needs beyond the shared checks.
func checkComposeService(p *problems, proj *types.Project, svc types.ServiceConfig, in instance) {
	wantBuild := in.proc.target
	if svc.Build == nil || svc.Build.Target != wantBuild {
		p.add("compose: %s must build --target %s", svc.Name, wantBuild)
	}
	if in.value("DOUYIN_AUTO_MIGRATE", "true") != "false" && in.proc.database {
		p.add("compose: %s migrates its own tables; the migrate service does that (DOUYIN_AUTO_MIGRATE=false)", svc.Name)
	}
	if in.proc.database && svc.DependsOn["migrate"].Condition != types.ServiceConditionCompletedSuccessfully {
		p.add("compose: %s must start after migrate completed", svc.Name)
	}
	if in.proc.waitForPeers {
		for _, peer := range in.proc.peers {
			if svc.DependsOn[peer].Condition != types.ServiceConditionHealthy {
				p.add("compose: %s must wait for %s to be healthy", svc.Name, peer)
			}
		}
	}
	checkMemLimit(p, "compose: "+svc.Name, in.value("GOMEMLIMIT", ""), int64(svc.MemLimit))
}

// checkMigrateService: `douyin migrate` with the services' database.
func checkMigrateService(p *problems, proj *types.Project, inf infra) {
	svc, ok := proj.Services["migrate"]
	if !ok {
		p.add("compose: no migrate service")
		return
	}
	if strings.Join(svc.Command, " ") != "douyin migrate" {
		p.add("compose: migrate runs %q, want douyin migrate", svc.Command)
	}
	in := composeInstance(proj, svc, &process{name: "migrate", database: true})
	checkDSN(p, in, inf, "DOUYIN_MYSQL_DSN")
}

// composeInfra reads what compose's infrastructure offers.
func composeInfra(p *problems, proj *types.Project) infra {
	inf := infra{where: "docker-compose.yml"}
	addrs := func(service string, ports ...int) []string {
		var out []string
		for _, port := range ports {
			out = append(out, fmt.Sprintf("%s:%d", service, port))
		}
		return out
	}
	env := func(service, name string) string {
		if v := proj.Services[service].Environment[name]; v != nil {
			return *v
		}
		return ""
	}
	mysql := proj.Services["mysql"]
	inf.mysql.addrs = addrs("mysql", composePorts["mysql"]...)
	inf.mysql.user, inf.mysql.password, inf.mysql.database = env("mysql", "MYSQL_USER"), env("mysql", "MYSQL_PASSWORD"), env("mysql", "MYSQL_DATABASE")
	inf.mysql.maxConns = flagInt(mysql.Command, "--max-connections", 151)
	inf.redis.addrs = addrs("redis", composePorts["redis"]...)
	inf.redis.password = flagValue(proj.Services["redis"].Command, "--requirepass")
	inf.s3.addrs = addrs("minio", 9000)
	inf.s3.accessKey, inf.s3.secretKey = env("minio", "MINIO_ROOT_USER"), env("minio", "MINIO_ROOT_PASSWORD")
	for name, addr := range listenerAddrs(env("kafka", "KAFKA_LISTENERS")) {
		if name != "CONTROLLER" {
			_, port, _ := hostPort(addr)
			inf.kafkaAddrs = append(inf.kafkaAddrs, addrs("kafka", port)...)
		}
	}
	for _, addr := range listenerAddrs(env("kafka", "KAFKA_ADVERTISED_LISTENERS")) {
		inf.kafkaAdvertised = append(inf.kafkaAdvertised, addr)
	}
	for _, u := range splitList(flagValue(proj.Services["etcd"].Command, "--listen-client-urls")) {
		if _, port, err := hostPort(stripScheme(u)); err == nil {
			inf.etcdAddrs = append(inf.etcdAddrs, addrs("etcd", port)...)
		}
	}
	inf.collectorAddrs = collectorAddrs(p, proj)
	return inf
}

// collectorAddrs reads the collector's OTLP gRPC port from the config file
// compose mounts, and checks it forwards to Jaeger's OTLP port.
func collectorAddrs(p *problems, proj *types.Project) []string {
	svc, ok := proj.Services["otel-collector"]
	if !ok {
		p.add("compose: no otel-collector between the services and Jaeger")
		return nil
	}
	for _, v := range svc.Volumes {
		if v.Target != "/etc/otelcol/config.yaml" {
			continue
		}
		cfg, err := readCollectorConfig(v.Source)
		if err != nil {
			p.add("compose: otel-collector config: %v", err)
			return nil
		}
		if !slices.Contains([]string{"jaeger:4317"}, cfg.exporter) || !slices.Contains(composePorts["jaeger"], 4317) {
			p.add("compose: the collector exports to %q, want Jaeger's OTLP port jaeger:4317", cfg.exporter)
		}
		_, port, _ := hostPort(cfg.grpc)
		return []string{fmt.Sprintf("otel-collector:%d", port)}
	}
	p.add("compose: otel-collector mounts no /etc/otelcol/config.yaml")
	return nil
}

// collectorConfig is the part of an OpenTelemetry Collector config the
// checks read.
type collectorConfig struct {
	grpc     string // OTLP gRPC receiver endpoint
	exporter string // the traces pipeline's OTLP exporter endpoint
}

func readCollectorConfig(path string) (collectorConfig, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return collectorConfig{}, err
	}
	return parseCollectorConfig(raw)
}

func parseCollectorConfig(raw []byte) (collectorConfig, error) {
	var c struct {
		Receivers struct {
			OTLP struct {
				Protocols struct {
					GRPC struct{ Endpoint string } `yaml:"grpc"`
				} `yaml:"protocols"`
			} `yaml:"otlp"`
		} `yaml:"receivers"`
		Exporters map[string]struct{ Endpoint string } `yaml:"exporters"`
		Service   struct {
			Pipelines map[string]struct {
				Receivers, Exporters []string
			} `yaml:"pipelines"`
		} `yaml:"service"`
	}
	if err := yaml.Unmarshal(raw, &c); err != nil {
		return collectorConfig{}, err
	}
	traces, ok := c.Service.Pipelines["traces"]
	if !ok || !slices.Contains(traces.Receivers, "otlp") || len(traces.Exporters) != 1 {
		return collectorConfig{}, fmt.Errorf("no traces pipeline from otlp to one exporter")
	}
	return collectorConfig{grpc: c.Receivers.OTLP.Protocols.GRPC.Endpoint, exporter: c.Exporters[traces.Exporters[0]].Endpoint}, nil
}

// flagValue finds --name=value or --name value in args.
func flagValue(args []string, name string) string {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

func flagInt(args []string, name string, def int) int {
	if n, err := strconv.Atoi(flagValue(args, name)); err == nil {
		return n
	}
	return def
}

// checkComposeFile loads content with compose-go's schema validation and
// runs every check; without DOUYIN_PUBLIC_URL it must refuse to load.
func checkComposeFile(p *problems, content []byte, vars map[string]configVar) {
	proj, err := loadCompose(content, composeEnv)
	if err != nil {
		p.add("compose-go refuses docker-compose.yml: %v", err)
		return
	}
	checkCompose(p, proj, vars)
	env := map[string]string{"DOUYIN_JWT_SECRET": composeEnv["DOUYIN_JWT_SECRET"]}
	if _, err := loadCompose(content, env); err == nil || !strings.Contains(err.Error(), "DOUYIN_PUBLIC_URL") {
		p.add("compose: DOUYIN_PUBLIC_URL must be required (phones cannot reach a default like localhost), got %v", err)
	}
}

func TestComposeLoadsAndMatches(t *testing.T) {
	var p problems
	checkComposeFile(&p, readFile(t, composePath), configVars(t))
	for _, msg := range p {
		t.Error(msg)
	}
}

// TestComposeRequiresPublicURL: without DOUYIN_PUBLIC_URL compose refuses
// to start, naming it, instead of handing phones unreachable localhost links.
func TestComposeRequiresPublicURL(t *testing.T) {
	env := map[string]string{"DOUYIN_JWT_SECRET": composeEnv["DOUYIN_JWT_SECRET"]}
	_, err := loadCompose(readFile(t, composePath), env)
	if err == nil || !strings.Contains(err.Error(), "DOUYIN_PUBLIC_URL") {
		t.Fatalf("compose without DOUYIN_PUBLIC_URL: %v, want an error naming it", err)
	}
	proj, err := loadCompose(readFile(t, composePath), composeEnv)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"gateway", "user", "video"} {
		if got := proj.Services[name].Environment["DOUYIN_PUBLIC_URL"]; got == nil || *got != composeEnv["DOUYIN_PUBLIC_URL"] {
			t.Errorf("%s gets DOUYIN_PUBLIC_URL %v, want the .env value", name, got)
		}
	}
}

// TestComposeEnvironmentLoads feeds each service's environment to
// config.Load, as the process would.
func TestComposeEnvironmentLoads(t *testing.T) {
	proj, err := loadCompose(readFile(t, composePath), composeEnv)
	if err != nil {
		t.Fatal(err)
	}
	for _, proc := range processes {
		t.Run(proc.name, func(t *testing.T) { checkLoads(t, composeInstance(proj, proj.Services[proc.name], &proc)) })
	}
}
