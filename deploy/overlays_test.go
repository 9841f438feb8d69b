package deploy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// devInfra are the workloads the dev overlay must run beside douyin.
var devInfra = map[string]string{
	"mysql": "StatefulSet", "redis": "StatefulSet", "kafka": "StatefulSet", "minio": "StatefulSet", "etcd": "StatefulSet",
	"otel-collector": "Deployment", "jaeger": "Deployment",
}

// checkDev: the dev overlay brings up the whole stack, and every douyin
// process points at it with the credentials it was started with.
func checkDev(p *problems, c *cluster) {
	for name, kind := range devInfra {
		if _, ok := c.statefulSets[name]; kind == "StatefulSet" && !ok {
			p.add("%s: no %s StatefulSet", c.where, name)
		}
		if _, ok := c.deployments[name]; kind == "Deployment" && !ok {
			p.add("%s: no %s Deployment", c.where, name)
		}
	}
	inf := k8sInfra(p, c)
	budget := 1 // the migration Job
	for _, proc := range processes {
		dep, ok := c.deployments[proc.k8s]
		if !ok {
			continue
		}
		in := k8sInstance(c, dep, &proc)
		checkInfra(p, in, inf)
		if proc.database {
			// A rollout runs one extra pod (maxSurge) beside the replicas.
			budget += (int(ptrOr(dep.Spec.Replicas, 1)) + 1) * poolSize(in)
		}
	}
	if job, ok := c.jobs["douyin-migrate"]; ok {
		in := instance{where: c.where + "/douyin-migrate", env: containerEnv(c, job.Spec.Template.Spec.Containers[0])}
		checkDSN(p, in, inf, "DOUYIN_MYSQL_DSN")
	}
	if limit := inf.mysql.maxConns - 10; budget > limit {
		p.add("%s: the douyin pools need %d MySQL connections, max_connections %d leaves %d", c.where, budget, inf.mysql.maxConns, limit)
	}
}

func ptrOr[T any](v *T, def T) T {
	if v == nil {
		return def
	}
	return *v
}

// k8sInfra reads what the dev overlay's infrastructure offers.
func k8sInfra(p *problems, c *cluster) infra {
	inf := infra{where: c.where}
	workload := func(name string) (corev1.PodTemplateSpec, corev1.Container, map[string]envValue) {
		var tpl corev1.PodTemplateSpec
		if s, ok := c.statefulSets[name]; ok {
			tpl = s.Spec.Template
		} else if d, ok := c.deployments[name]; ok {
			tpl = d.Spec.Template
		}
		ctr := container(tpl, name)
		return tpl, ctr, containerEnv(c, ctr)
	}
	tpl, ctr, env := workload("mysql")
	inf.mysql.addrs = serviceAddrs(c, tpl, ctr)
	inf.mysql.user, inf.mysql.password, inf.mysql.database = env["MYSQL_USER"].value, env["MYSQL_PASSWORD"].value, env["MYSQL_DATABASE"].value
	inf.mysql.maxConns = flagInt(ctr.Args, "--max-connections", 151)

	tpl, ctr, env = workload("redis")
	inf.redis.addrs = serviceAddrs(c, tpl, ctr)
	inf.redis.password = expandEnv(flagValue(ctr.Args, "--requirepass"), env)

	tpl, ctr, env = workload("minio")
	for _, a := range serviceAddrs(c, tpl, ctr) {
		if strings.HasSuffix(a, ":9000") {
			inf.s3.addrs = append(inf.s3.addrs, a)
		}
	}
	inf.s3.accessKey, inf.s3.secretKey = env["MINIO_ROOT_USER"].value, env["MINIO_ROOT_PASSWORD"].value

	tpl, ctr, env = workload("kafka")
	inf.kafkaAddrs = serviceAddrs(c, tpl, ctr)
	for _, addr := range listenerAddrs(env["KAFKA_ADVERTISED_LISTENERS"].value) {
		inf.kafkaAdvertised = append(inf.kafkaAdvertised, addr)
	}

	tpl, ctr, _ = workload("etcd")
	inf.etcdAddrs = serviceAddrs(c, tpl, ctr)

	tpl, ctr, _ = workload("otel-collector")
	inf.collectorAddrs = collectorServiceAddrs(p, c, tpl, ctr)
	return inf
}

// collectorServiceAddrs: the collector's config (from its ConfigMap)
// receives OTLP gRPC on a port a Service reaches, and exports to Jaeger's.
func collectorServiceAddrs(p *problems, c *cluster, tpl corev1.PodTemplateSpec, ctr corev1.Container) []string {
	var cfgMap string
	for _, v := range tpl.Spec.Volumes {
		if v.ConfigMap != nil {
			cfgMap = v.ConfigMap.Name
		}
	}
	cm, ok := c.configMaps[cfgMap]
	if !ok {
		p.add("%s: the collector mounts no ConfigMap", c.where)
		return nil
	}
	cfg, err := parseCollectorConfig([]byte(cm.Data["config.yaml"]))
	if err != nil {
		p.add("%s: collector config: %v", c.where, err)
		return nil
	}
	jaeger := c.deployments["jaeger"]
	if jaeger == nil || !slices.Contains(serviceAddrs(c, jaeger.Spec.Template, container(jaeger.Spec.Template, "jaeger")), cfg.exporter) {
		p.add("%s: the collector exports to %q, not to a Jaeger Service port", c.where, cfg.exporter)
	}
	_, port, _ := hostPort(cfg.grpc)
	var out []string
	for _, a := range serviceAddrs(c, tpl, ctr) {
		if strings.HasSuffix(a, ":"+strconv.Itoa(port)) {
			out = append(out, a)
		}
	}
	return out
}

// expandEnv resolves Kubernetes' $(VAR) references in an argument.
func expandEnv(s string, env map[string]envValue) string {
	for k, v := range env {
		s = strings.ReplaceAll(s, "$("+k+")", v.value)
	}
	return s
}

// checkProd: the production example scales, survives disruptions, talks
// TLS with credentials to managed services, and is observed.
func checkProd(p *problems, c *cluster) {
	cm := c.configMaps["douyin-config"]
	if cm == nil {
		p.add("%s: no douyin-config", c.where)
		return
	}
	budget := 1
	for _, proc := range processes {
		dep, ok := c.deployments[proc.k8s]
		if !ok {
			continue
		}
		if dep.Spec.Replicas != nil {
			p.add("%s: %s sets replicas; its HPA owns them (every apply would undo a scale)", c.where, dep.Name)
		}
		maxReplicas := checkHPA(p, c, dep)
		checkPDB(p, c, dep)
		checkSpread(p, c, dep)
		in := k8sInstance(c, dep, &proc)
		checkManagedInfra(p, in)
		if proc.database {
			budget += (maxReplicas + 1) * poolSize(in)
		}
	}
	limit, err := strconv.Atoi(cm.Annotations["douyin.io/mysql-max-connections"])
	if err != nil {
		p.add("%s: douyin-config needs the douyin.io/mysql-max-connections annotation (the managed database's limit)", c.where)
	} else if budget > limit-10 {
		p.add("%s: at maxReplicas the douyin pools need %d MySQL connections; the database allows %d", c.where, budget, limit)
	}
	checkIngress(p, c)
	checkNetworkPolicies(p, c)
	checkServiceMonitor(p, c)
	if len(c.prometheusRules) == 0 {
		p.add("%s: no PrometheusRule", c.where)
	}
}

// checkManagedInfra: TLS and credentials to every managed service, and
// topics that survive a broker loss.
func checkManagedInfra(p *problems, in instance) {
	want := map[string]string{"DOUYIN_REDIS_TLS_ENABLED": "true", "DOUYIN_ETCD_TLS_ENABLED": "true", "DOUYIN_S3_USE_SSL": "true"}
	if in.proc.kafka {
		want["DOUYIN_KAFKA_TLS_ENABLED"] = "true"
	}
	for k, v := range want {
		if in.value(k, "") != v {
			p.add("%s: %s=%q, want %s", in, k, in.value(k, ""), v)
		}
	}
	for _, e := range splitList(in.value("DOUYIN_ETCD_ENDPOINTS", "")) {
		if !strings.HasPrefix(e, "https://") {
			p.add("%s: etcd endpoint %q is not https", in, e)
		}
	}
	if in.value("DOUYIN_ETCD_USERNAME", "") == "" || in.value("DOUYIN_ETCD_PASSWORD", "") == "" {
		p.add("%s: etcd username and password must be set", in)
	}
	if in.proc.kafka {
		if in.value("DOUYIN_KAFKA_SASL_MECHANISM", "") == "" || in.value("DOUYIN_KAFKA_SASL_PASSWORD", "") == "" {
			p.add("%s: Kafka needs a SASL mechanism and password", in)
		}
		rf, _ := strconv.Atoi(in.value("DOUYIN_KAFKA_REPLICATION_FACTOR", "0"))
		isr, _ := strconv.Atoi(in.value("DOUYIN_KAFKA_MIN_INSYNC_REPLICAS", "0"))
		if rf < 3 || isr < 2 || isr >= rf {
			p.add("%s: Kafka topics want replication factor >= 3 and 2 <= min.insync.replicas < RF, got %d/%d", in, rf, isr)
		}
	}
}

// checkHPA returns the Deployment's maxReplicas.
func checkHPA(p *problems, c *cluster, dep *appsv1.Deployment) int {
	for _, h := range c.hpas {
		if h.Spec.ScaleTargetRef.Kind == "Deployment" && h.Spec.ScaleTargetRef.Name == dep.Name {
			if ptrOr(h.Spec.MinReplicas, 1) < 2 {
				p.add("%s: HPA %s allows a single replica", c.where, h.Name)
			}
			return int(h.Spec.MaxReplicas)
		}
	}
	p.add("%s: no HPA scales %s", c.where, dep.Name)
	return 1
}

func checkPDB(p *problems, c *cluster, dep *appsv1.Deployment) {
	for _, pdb := range c.pdbs {
		sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err == nil && sel.Matches(labels.Set(dep.Spec.Template.Labels)) {
			return
		}
	}
	p.add("%s: no PodDisruptionBudget covers %s", c.where, dep.Name)
}

func checkSpread(p *problems, c *cluster, dep *appsv1.Deployment) {
	keys := map[string]bool{}
	for _, tsc := range dep.Spec.Template.Spec.TopologySpreadConstraints {
		sel, err := metav1.LabelSelectorAsSelector(tsc.LabelSelector)
		if err != nil || !sel.Matches(labels.Set(dep.Spec.Template.Labels)) || !slices.Contains(tsc.MatchLabelKeys, "app.kubernetes.io/name") {
			p.add("%s: a spread constraint of %s does not select its own pods alone", c.where, dep.Name)
		}
		keys[tsc.TopologyKey] = true
	}
	if !keys["kubernetes.io/hostname"] || !keys["topology.kubernetes.io/zone"] {
		p.add("%s: %s does not spread over nodes and zones", c.where, dep.Name)
	}
}

// checkIngress: the gateway's API behind TLS, taking whole uploads.
func checkIngress(p *problems, c *cluster) {
	if len(c.ingresses) == 0 {
		p.add("%s: no Ingress", c.where)
	}
	for _, ing := range c.ingresses {
		if len(ing.Spec.TLS) == 0 {
			p.add("%s: Ingress %s has no TLS", c.where, ing.Name)
		}
		size, err := resource.ParseQuantity(strings.TrimSuffix(strings.ToUpper(ing.Annotations["nginx.ingress.kubernetes.io/proxy-body-size"]), "M") + "Mi")
		if need := defaultConfig().Upload.MaxBytes; err != nil || size.Value() < need {
			p.add("%s: Ingress %s body size %q is below an upload of %d bytes", c.where, ing.Name, ing.Annotations["nginx.ingress.kubernetes.io/proxy-body-size"], need)
		}
	}
}

// checkNetworkPolicies: deny by default, then exactly the paths douyin
// needs: the API from the ingress controller, RPC between douyin pods,
// admin from monitoring.
func checkNetworkPolicies(p *problems, c *cluster) {
	denyAll := false
	allowed := map[string]bool{}
	for _, np := range c.networkPolicies {
		if len(np.Spec.PodSelector.MatchLabels) == 0 && len(np.Spec.PodSelector.MatchExpressions) == 0 && len(np.Spec.Ingress) == 0 {
			denyAll = true
		}
		for _, rule := range np.Spec.Ingress {
			for _, port := range rule.Ports {
				if port.Port != nil {
					allowed[port.Port.String()] = true
				}
			}
		}
	}
	if !denyAll {
		p.add("%s: no default-deny NetworkPolicy", c.where)
	}
	for _, port := range []intstr.IntOrString{intstr.FromString("http"), intstr.FromString("kitex"), intstr.FromString("admin")} {
		if !allowed[port.String()] {
			p.add("%s: no NetworkPolicy lets traffic reach the %s ports", c.where, port.String())
		}
	}
}

// checkServiceMonitor: Prometheus scrapes the admin port of every process.
func checkServiceMonitor(p *problems, c *cluster) {
	for _, proc := range processes {
		dep := c.deployments[proc.k8s]
		if dep == nil {
			continue
		}
		scraped := false
		for _, sm := range c.serviceMonitors {
			sel, err := metav1.LabelSelectorAsSelector(&sm.Spec.Selector)
			if err != nil {
				continue
			}
			for _, svc := range c.services {
				if !sel.Matches(labels.Set(svc.Labels)) || !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(dep.Spec.Template.Labels)) {
					continue
				}
				for _, ep := range sm.Spec.Endpoints {
					for _, sp := range svc.Spec.Ports {
						if sp.Name == ep.Port && ep.Port == "admin" && ep.Path == "/metrics" {
							scraped = true
						}
					}
				}
			}
		}
		if !scraped {
			p.add("%s: no ServiceMonitor scrapes %s's admin port", c.where, proc.k8s)
		}
	}
}

// String helpers for messages.
var _ = fmt.Sprint
