package deploy

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/douyin-go/douyin/pkg/config"
)

func defaultConfig() config.Config { return config.Default() }

// concurrentUploads is how many uploads at DOUYIN_UPLOAD_MAX_BYTES each the
// upload spools of the gateway and video pods must hold at once.
const concurrentUploads = 50

// checkCluster runs every check on what one kustomization built.
func checkCluster(p *problems, c *cluster, overlay string, vars map[string]configVar, runAsUser int64) {
	for _, proc := range processes {
		dep, ok := c.deployments[proc.k8s]
		if !ok {
			p.add("%s: no Deployment %s", c.where, proc.k8s)
			continue
		}
		in := k8sInstance(c, dep, &proc)
		checkInstance(p, in, vars)
		checkPod(p, c, overlay, dep.Name, dep.Spec.Template, proc.image, runAsUser)
		checkWorkload(p, c, dep, in)
	}
	checkMigrateJob(p, c, overlay, runAsUser)
	checkAdminExposure(p, c)
	checkSecretRefs(p, c)
}

// k8sInstance is a Deployment's container in the shared shape, with its
// environment resolved through the ConfigMaps and Secrets of the build.
func k8sInstance(c *cluster, dep *appsv1.Deployment, proc *process) instance {
	ctr := container(dep.Spec.Template, proc.name)
	in := instance{
		where:   c.where + "/" + dep.Name,
		proc:    proc,
		command: ctr.Command,
		env:     containerEnv(c, ctr),
		ports:   map[int]bool{},
		peerAddr: func(peer string) []string {
			if pd, ok := c.deployments["douyin-"+peer]; ok {
				return serviceAddrs(c, pd.Spec.Template, container(pd.Spec.Template, peer))
			}
			return nil
		},
	}
	for _, port := range ctr.Ports {
		in.ports[int(port.ContainerPort)] = true
	}
	for kind, pr := range map[string]*corev1.Probe{"readiness": ctr.ReadinessProbe, "liveness": ctr.LivenessProbe, "startup": ctr.StartupProbe} {
		if pr == nil || pr.HTTPGet == nil {
			continue
		}
		port, _ := resolvePort(pr.HTTPGet.Port, ctr)
		in.probes = append(in.probes, probe{kind: kind, path: pr.HTTPGet.Path, port: port})
	}
	return in
}

func container(tpl corev1.PodTemplateSpec, name string) corev1.Container {
	for _, c := range tpl.Spec.Containers {
		if c.Name == name {
			return c
		}
	}
	if len(tpl.Spec.Containers) > 0 {
		return tpl.Spec.Containers[0]
	}
	return corev1.Container{}
}

// containerEnv resolves a container's environment as the kubelet would
// (env wins over envFrom). A Secret the build does not contain resolves
// to a marker naming it.
func containerEnv(c *cluster, ctr corev1.Container) map[string]envValue {
	env := map[string]envValue{}
	for _, from := range ctr.EnvFrom {
		if ref := from.ConfigMapRef; ref != nil {
			for k, v := range c.configMaps[ref.Name].Data {
				env[k] = envValue{value: v, from: "ConfigMap " + ref.Name}
			}
		}
	}
	for _, e := range ctr.Env {
		v := envValue{value: e.Value, from: "env"}
		if vf := e.ValueFrom; vf != nil {
			switch {
			case vf.FieldRef != nil:
				v = envValue{fieldRef: vf.FieldRef.FieldPath, from: "fieldRef"}
			case vf.SecretKeyRef != nil:
				v = envValue{value: secretValue(c, vf.SecretKeyRef.Name, vf.SecretKeyRef.Key), from: "Secret " + vf.SecretKeyRef.Name}
			case vf.ConfigMapKeyRef != nil:
				v = envValue{value: c.configMaps[vf.ConfigMapKeyRef.Name].Data[vf.ConfigMapKeyRef.Key], from: "ConfigMap " + vf.ConfigMapKeyRef.Name}
			}
		}
		env[e.Name] = v
	}
	return env
}

func secretValue(c *cluster, name, key string) string {
	if s, ok := c.secrets[name]; ok {
		if v, ok := s.Data[key]; ok {
			return string(v)
		}
		return s.StringData[key]
	}
	return "<secret " + name + "/" + key + ">"
}

// resolvePort turns a named or numbered port into the container port.
func resolvePort(port intstr.IntOrString, ctr corev1.Container) (int, bool) {
	if port.Type == intstr.Int {
		return port.IntValue(), true
	}
	for _, p := range ctr.Ports {
		if p.Name == port.StrVal {
			return int(p.ContainerPort), true
		}
	}
	return 0, false
}

// serviceAddrs lists name:port of every Service port that reaches ctr of
// pods with template tpl.
func serviceAddrs(c *cluster, tpl corev1.PodTemplateSpec, ctr corev1.Container) []string {
	var out []string
	for _, svc := range c.services {
		if len(svc.Spec.Selector) == 0 || !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(tpl.Labels)) {
			continue
		}
		for _, sp := range svc.Spec.Ports {
			target := sp.TargetPort
			if target.Type == intstr.Int && target.IntVal == 0 {
				target = intstr.FromInt32(sp.Port)
			}
			if _, ok := resolvePort(target, ctr); ok {
				out = append(out, fmt.Sprintf("%s:%d", svc.Name, sp.Port))
			}
		}
	}
	slices.Sort(out)
	return out
}

// checkPod: the security, identity, image and memory settings every douyin
// pod shares.
func checkPod(p *problems, c *cluster, overlay, name string, tpl corev1.PodTemplateSpec, image string, runAsUser int64) {
	where := c.where + "/" + name
	spec := tpl.Spec
	if sc := spec.SecurityContext; sc == nil || sc.RunAsUser == nil || *sc.RunAsUser != runAsUser || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		p.add("%s: must run as non-root user %d, the Dockerfile's USER", where, runAsUser)
	}
	if sa, ok := c.serviceAccounts[spec.ServiceAccountName]; !ok || spec.ServiceAccountName != "douyin" {
		p.add("%s: serviceAccountName %q is not the douyin ServiceAccount", where, spec.ServiceAccountName)
	} else if sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken {
		p.add("%s: the douyin ServiceAccount must not mount a token (douyin never calls the API)", where)
	}
	for _, ctr := range spec.Containers {
		checkImage(p, where, overlay, ctr, image)
		if sc := ctr.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			p.add("%s: container %s must have a read-only root filesystem", where, ctr.Name)
		}
	}
}

// checkImage: immutable tags. IfNotPresent with a mutable tag never picks
// up a rebuilt image; only the dev overlay (images loaded by hand) may use
// a tag like "dev", and then never pulls.
func checkImage(p *problems, where, overlay string, ctr corev1.Container, image string) {
	ref := ctr.Image
	name := ref
	if i := strings.LastIndexAny(ref, ":@"); i > strings.LastIndex(ref, "/") {
		name = ref[:i]
	}
	if name[strings.LastIndex(name, "/")+1:] != image {
		p.add("%s: container %s runs image %q, want %s", where, ctr.Name, ref, image)
	}
	tag := imageTag(ref)
	release := regexp.MustCompile(`^v\d+\.\d+\.\d+$|^@sha256:[0-9a-f]{64}$`).MatchString(tag)
	switch {
	case tag == "" || tag == "latest":
		p.add("%s: image %q has no immutable tag", where, ref)
	case overlay == "overlays/dev" && ctr.ImagePullPolicy != corev1.PullNever:
		p.add("%s: dev images are loaded by hand: imagePullPolicy must be Never", where)
	case overlay != "overlays/dev" && !release:
		p.add("%s: image %q: want a release tag (vX.Y.Z) or a digest", where, ref)
	case overlay != "overlays/dev" && ctr.ImagePullPolicy != corev1.PullIfNotPresent:
		p.add("%s: imagePullPolicy %q, want IfNotPresent with an immutable tag", where, ctr.ImagePullPolicy)
	}
}

// checkWorkload: memory limit, upload spool, shutdown and rollout settings
// of one douyin Deployment.
func checkWorkload(p *problems, c *cluster, dep *appsv1.Deployment, in instance) {
	where := in.where
	spec := dep.Spec.Template.Spec
	ctr := container(dep.Spec.Template, in.proc.name)
	checkMemLimit(p, where, in.value("GOMEMLIMIT", ""), ctr.Resources.Limits.Memory().Value())
	checkSpool(p, where, spec, ctr, in.proc.spool)
	grace := time.Duration(30) * time.Second
	if spec.TerminationGracePeriodSeconds != nil {
		grace = time.Duration(*spec.TerminationGracePeriodSeconds) * time.Second
	}
	// What shutdown takes before the process exits: the drain of a server
	// registered in etcd, or the gateway's preStop sleep, then up to 5 s
	// of graceful stop.
	var stop time.Duration
	if in.proc.kitex {
		drain, err := time.ParseDuration(in.value("DOUYIN_SHUTDOWN_DRAIN", defaultConfig().ShutdownDrain.String()))
		refresh, err2 := time.ParseDuration(in.value("DOUYIN_DISCOVERY_REFRESH", defaultConfig().DiscoveryRefresh.String()))
		if err != nil || err2 != nil || drain <= refresh {
			p.add("%s: DOUYIN_SHUTDOWN_DRAIN must exceed DOUYIN_DISCOVERY_REFRESH (clients would call a stopped pod)", where)
		}
		stop = drain
	} else {
		stop = preStopSleep(p, where, ctr)
	}
	if grace < stop+10*time.Second {
		p.add("%s: terminationGracePeriodSeconds %s leaves no room for a %s drain and a graceful stop", where, grace, stop)
	}
	if ru := dep.Spec.Strategy.RollingUpdate; ru == nil || ru.MaxUnavailable == nil || ru.MaxUnavailable.IntValue() != 0 {
		p.add("%s: a rollout must not take a serving pod down before its replacement is ready (maxUnavailable: 0)", where)
	}
}

// preStopSleep is the gateway's preStop delay: endpoint removal reaches
// every proxy before SIGTERM.
func preStopSleep(p *problems, where string, ctr corev1.Container) time.Duration {
	if ctr.Lifecycle == nil || ctr.Lifecycle.PreStop == nil {
		p.add("%s: no preStop: requests still routed to it fail during a rollout", where)
		return 0
	}
	ps := ctr.Lifecycle.PreStop
	switch {
	case ps.Sleep != nil:
		return time.Duration(ps.Sleep.Seconds) * time.Second
	case ps.Exec != nil && len(ps.Exec.Command) == 2 && ps.Exec.Command[0] == "sleep":
		n, err := strconv.Atoi(ps.Exec.Command[1])
		if err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
	}
	p.add("%s: preStop %v is not a sleep", where, ps)
	return 0
}

// checkMemLimit: GOMEMLIMIT sits below the memory limit, with room for
// what is not Go heap, but not so low the GC runs all the time.
func checkMemLimit(p *problems, where, gomemlimit string, limit int64) {
	if limit == 0 {
		p.add("%s: no memory limit", where)
		return
	}
	q, err := resource.ParseQuantity(strings.TrimSuffix(gomemlimit, "B"))
	if err != nil {
		p.add("%s: GOMEMLIMIT %q: %v", where, gomemlimit, err)
		return
	}
	if soft := q.Value(); soft >= limit || soft < limit*7/10 {
		p.add("%s: GOMEMLIMIT %s should be 70-99%% of the memory limit %d", where, gomemlimit, limit)
	}
}

// checkSpool: /tmp is a bounded emptyDir; where uploads pass, it holds
// concurrentUploads of the largest upload, and the pod may use that much.
func checkSpool(p *problems, where string, spec corev1.PodSpec, ctr corev1.Container, spool bool) {
	var size *resource.Quantity
	for _, m := range ctr.VolumeMounts {
		if m.MountPath != "/tmp" {
			continue
		}
		for _, v := range spec.Volumes {
			if v.Name == m.Name && v.EmptyDir != nil {
				size = v.EmptyDir.SizeLimit
			}
		}
	}
	if size == nil {
		p.add("%s: /tmp must be an emptyDir with a sizeLimit (the root filesystem is read-only)", where)
		return
	}
	if !spool {
		return
	}
	if need := concurrentUploads * defaultConfig().Upload.MaxBytes; size.Value() < need {
		p.add("%s: upload spool %s holds fewer than %d uploads of %d bytes", where, size, concurrentUploads, defaultConfig().Upload.MaxBytes)
	}
	eph := ctr.Resources.Limits[corev1.ResourceEphemeralStorage]
	if eph.Cmp(*size) < 0 {
		p.add("%s: ephemeral-storage limit %s is below the spool's %s: the pod is evicted first", where, eph.String(), size)
	}
}

// checkMigrateJob: the schema is created by a Job with the migration DSN,
// and the services do not migrate themselves.
func checkMigrateJob(p *problems, c *cluster, overlay string, runAsUser int64) {
	job, ok := c.jobs["douyin-migrate"]
	if !ok {
		p.add("%s: no douyin-migrate Job", c.where)
		return
	}
	checkPod(p, c, overlay, job.Name, job.Spec.Template, "douyin", runAsUser)
	ctr := job.Spec.Template.Spec.Containers[0]
	if strings.Join(ctr.Command, " ") != "douyin migrate" {
		p.add("%s: douyin-migrate runs %q, want douyin migrate", c.where, ctr.Command)
	}
	env := containerEnv(c, ctr)
	if env["DOUYIN_MYSQL_DSN"].from == "" || !strings.Contains(env["DOUYIN_MYSQL_DSN"].from, "Secret") {
		p.add("%s: douyin-migrate must read DOUYIN_MYSQL_DSN from a Secret", c.where)
	}
	if cm := c.configMaps["douyin-config"]; cm == nil || cm.Data["DOUYIN_AUTO_MIGRATE"] != "false" {
		p.add("%s: with a migration Job the services must not need DDL rights (DOUYIN_AUTO_MIGRATE=false)", c.where)
	}
}

// checkAdminExposure: every admin port is on a Service (scraping), and no
// Service an Ingress routes to carries one.
func checkAdminExposure(p *problems, c *cluster) {
	for _, proc := range processes {
		dep, ok := c.deployments[proc.k8s]
		if !ok {
			continue
		}
		ctr := container(dep.Spec.Template, proc.name)
		found := false
		for _, svc := range c.services {
			if !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(dep.Spec.Template.Labels)) {
				continue
			}
			for _, sp := range svc.Spec.Ports {
				if port, _ := resolvePort(sp.TargetPort, ctr); port == 9090 {
					found = found || sp.Name == "admin"
					if proc.name == "gateway" && svc.Name == "douyin-gateway" {
						p.add("%s: the public gateway Service exposes the admin port", c.where)
					}
				}
			}
		}
		if !found {
			p.add("%s: %s's admin port is on no Service port named admin: it is never scraped", c.where, proc.k8s)
		}
	}
	for _, ing := range c.ingresses {
		for _, rule := range ing.Spec.Rules {
			for _, path := range rule.HTTP.Paths {
				svc := c.services[path.Backend.Service.Name]
				if svc == nil {
					p.add("%s: Ingress %s routes to missing Service %s", c.where, ing.Name, path.Backend.Service.Name)
					continue
				}
				for _, sp := range svc.Spec.Ports {
					if sp.Name == "admin" {
						p.add("%s: Ingress %s routes to %s, which carries the admin port", c.where, ing.Name, svc.Name)
					}
				}
			}
		}
	}
}

// checkSecretRefs: every secret key a douyin pod reads is a documented
// douyin-secrets key; a Secret the build contains has every key it is
// asked for, and no placeholder.
func checkSecretRefs(p *problems, c *cluster) {
	refs := map[string]bool{}
	for _, spec := range douyinPodSpecs(c) {
		for _, ctr := range spec.Containers {
			for _, e := range ctr.Env {
				if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
					continue
				}
				ref := e.ValueFrom.SecretKeyRef
				if !strings.HasPrefix(ref.Name, "douyin-secrets") || !slices.Contains(secretKeys, ref.Key) {
					p.add("%s: %s reads %s/%s, not a documented douyin-secrets key", c.where, ctr.Name, ref.Name, ref.Key)
				}
				refs[ref.Name+"/"+ref.Key] = true
			}
		}
	}
	for _, ref := range slices.Sorted(maps.Keys(refs)) {
		name, key, _ := strings.Cut(ref, "/")
		s, ok := c.secrets[name]
		if !ok {
			continue // provided outside the build (prod)
		}
		v, ok := s.Data[key]
		if !ok {
			p.add("%s: Secret %s has no key %s", c.where, name, key)
			continue
		}
		if placeholder.Match(v) {
			p.add("%s: Secret %s/%s is a placeholder %q", c.where, name, key, v)
		}
		if key == "DOUYIN_JWT_SECRET" && len(v) < 16 {
			p.add("%s: DOUYIN_JWT_SECRET is shorter than 16 characters: the gateway refuses it", c.where)
		}
	}
}

var placeholder = regexp.MustCompile(`(?i)change.?me|replace.?me|todo|xxx|<[^>]*>`)

// douyinPodSpecs are the pod specs of every douyin Deployment and Job.
func douyinPodSpecs(c *cluster) []corev1.PodSpec {
	var out []corev1.PodSpec
	for name, d := range c.deployments {
		if strings.HasPrefix(name, "douyin-") {
			out = append(out, d.Spec.Template.Spec)
		}
	}
	for _, j := range c.jobs {
		out = append(out, j.Spec.Template.Spec)
	}
	return out
}

// checkKustomization builds kustomization k of fsys and runs its checks.
func checkKustomization(p *problems, fsys filesys.FileSystem, k string, vars map[string]configVar, uid int64) {
	c, err := build(fsys, "/k8s/"+k, "k8s/"+k)
	if err != nil {
		p.add("%v", err)
		return
	}
	checkCluster(p, c, k, vars, uid)
	switch k {
	case "overlays/dev":
		checkDev(p, c)
	case "overlays/prod":
		checkProd(p, c)
	}
}

func TestKubernetesManifests(t *testing.T) {
	fsys := diskTree(t)
	vars := configVars(t)
	uid := dockerfileUser(t, readFile(t, dockerfilePath))
	for _, k := range kustomizations {
		t.Run(k, func(t *testing.T) {
			var p problems
			checkKustomization(&p, fsys, k, vars, uid)
			for _, msg := range p {
				t.Error(msg)
			}
		})
	}
}

// TestKubernetesEnvironmentLoads feeds each Deployment's resolved
// environment to config.Load, as the process would.
func TestKubernetesEnvironmentLoads(t *testing.T) {
	clusters := buildAll(t, diskTree(t))
	for _, k := range kustomizations {
		for _, proc := range processes {
			t.Run(k+"/"+proc.name, func(t *testing.T) {
				checkLoads(t, k8sInstance(clusters[k], clusters[k].deployments[proc.k8s], &proc))
			})
		}
	}
}
