package deploy

import (
	"fmt"
	"net"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/douyin-go/douyin/pkg/config"
)

// A douyin process as deployed by compose or Kubernetes, in one shape for
// the checks both share.

type envValue struct {
	value    string // literal, resolved (compose: interpolated; k8s: ConfigMap/Secret looked up)
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
	proc    *process
	command []string
	env     map[string]envValue
	ports   map[int]bool // container ports
	probes  []probe
	// peerAddr lists the host:port a peer may use to reach service name in
	// this deployment.
	peerAddr func(service string) []string
}

func (in instance) String() string { return in.where }

// value is the resolved value of a variable, or def when it is not set.
func (in instance) value(name, def string) string {
	if v, ok := in.env[name]; ok {
		return v.value
	}
	return def
}

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
	proc := in.proc
	if len(in.command) == 0 || path.Base(in.command[0]) != proc.name {
		p.add("%s: command %q does not run the %s binary", in, in.command, proc.name)
	}
	checkEnvNames(p, in, vars)
	for _, need := range proc.needs {
		v, ok := in.env[envPrefix+need]
		if !ok || (v.value == "" && v.fieldRef == "") {
			p.add("%s: %s needs %s%s, not set", in, proc.name, envPrefix, need)
		}
	}
	for name, allowed := range onlyFor {
		if _, ok := in.env[envPrefix+name]; ok && !slices.Contains(allowed, proc.name) {
			p.add("%s: %s%s must reach only %v", in, envPrefix, name, allowed)
		}
	}
	listenPort, adminPort := checkPorts(p, in)
	checkProbes(p, in, adminPort)
	_ = listenPort
	// Peers are reachable at the static addresses it is given.
	for _, peer := range proc.peers {
		name := envPrefix + svcAddrVar(peer)
		got := in.env[name].value
		if want := in.peerAddr(peer); !slices.Contains(want, got) {
			p.add("%s: %s=%q, but %s is reachable at %q", in, name, got, peer, want)
		}
	}
}

// checkEnvNames refuses variables no douyin process reads.
func checkEnvNames(p *problems, in instance, vars map[string]configVar) {
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
}

// checkPorts: the listen and admin addresses are container ports.
func checkPorts(p *problems, in instance) (listenPort, adminPort int) {
	listen := in.env[envPrefix+in.proc.listen].value
	host, listenPort, err := hostPort(listen)
	switch {
	case err != nil:
		p.add("%s: %s%s=%q: %v", in, envPrefix, in.proc.listen, listen, err)
	case host != "" && host != "0.0.0.0" && host != "::":
		p.add("%s: %s%s=%q should listen on all interfaces (\":%d\")", in, envPrefix, in.proc.listen, listen, listenPort)
	case !in.ports[listenPort]:
		p.add("%s: %s%s=%q but port %d is not a container port (have %v)", in, envPrefix, in.proc.listen, listen, listenPort, sortedPorts(in.ports))
	}
	admin := in.env[envPrefix+"ADMIN_ADDR"].value
	_, adminPort, err = hostPort(admin)
	switch {
	case err != nil:
		p.add("%s: %sADMIN_ADDR=%q: %v", in, envPrefix, admin, err)
	case !in.ports[adminPort]:
		p.add("%s: %sADMIN_ADDR=%q but port %d is not a container port (have %v)", in, envPrefix, admin, adminPort, sortedPorts(in.ports))
	case adminPort == listenPort:
		p.add("%s: admin and %s share port %d", in, in.proc.listen, adminPort)
	}
	return listenPort, adminPort
}

// checkProbes: probes hit the admin port, readiness /readyz, liveness and
// startup /healthz.
func checkProbes(p *problems, in instance, adminPort int) {
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
func checkLoads(t *testing.T, in instance) config.Config {
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
		return cfg
	}
	if _, port, err := hostPort(in.proc.listenOf(cfg)); err != nil || !in.ports[port] {
		t.Errorf("%s: the %s binary would listen on %q, not on a container port %v", in, in.proc.name, in.proc.listenOf(cfg), sortedPorts(in.ports))
	}
	if _, port, err := hostPort(cfg.AdminAddr); err != nil || !in.ports[port] {
		t.Errorf("%s: admin would listen on %q, not on a container port %v", in, cfg.AdminAddr, sortedPorts(in.ports))
	}
	return cfg
}
