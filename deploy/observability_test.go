package deploy

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/douyin-go/douyin/pkg/metrics"
)

var (
	alertsPath    = filepath.Join(observability, "prometheus", "alerts.yml")
	dashboardPath = filepath.Join(observability, "grafana", "dashboards", "douyin.json")
)

// metricRE finds metric names in PromQL.
var metricRE = regexp.MustCompile(`\b(douyin_[a-z_]+|up)\b`)

// unknownMetrics lists the metrics expr names that no douyin process
// exports (histograms add _bucket, _count and _sum).
func unknownMetrics(expr string) []string {
	var out []string
	for _, name := range metricRE.FindAllString(expr, -1) {
		base := name
		for _, suffix := range []string{"_bucket", "_count", "_sum"} {
			base = strings.TrimSuffix(base, suffix)
		}
		if base != "up" && !slices.Contains(metrics.Names(), base) {
			out = append(out, name)
		}
	}
	return out
}

// TestAlertRules: the rules parse as PrometheusRule groups, the Operator's
// copy is the same, and every metric they read exists.
func TestAlertRules(t *testing.T) {
	var rules monitoringv1.PrometheusRuleSpec
	if err := sigsyaml.UnmarshalStrict(readFile(t, alertsPath), &rules); err != nil {
		t.Fatalf("%s: %v", alertsPath, err)
	}
	if len(rules.Groups) == 0 {
		t.Fatal("no alert rules")
	}
	prod := buildAll(t, diskTree(t))["overlays/prod"]
	rule, ok := prod.prometheusRules["douyin"]
	if !ok {
		t.Fatal("prod overlay has no PrometheusRule douyin")
	}
	if !reflect.DeepEqual(rule.Spec, rules) {
		t.Errorf("%s and the prod overlay's PrometheusRule differ: keep them equal", alertsPath)
	}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" || r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("rule %q: needs an alert name, a severity label and a summary", r.Alert)
			}
			if bad := unknownMetrics(r.Expr.String()); len(bad) > 0 {
				t.Errorf("alert %s reads metrics no process exports: %v", r.Alert, bad)
			}
		}
	}
}

// TestGrafanaDashboard: the dashboard is valid JSON on the provisioned
// data source, shows what an operator needs, and reads only real metrics.
func TestGrafanaDashboard(t *testing.T) {
	var dash struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title      string `json:"title"`
			Type       string `json:"type"`
			Datasource *struct {
				UID string `json:"uid"`
			} `json:"datasource"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	dec := json.NewDecoder(bytes.NewReader(readFile(t, dashboardPath)))
	if err := dec.Decode(&dash); err != nil {
		t.Fatal(err)
	}
	var ds struct {
		APIVersion  int `json:"apiVersion"`
		Datasources []struct {
			UID       string `json:"uid"`
			Type      string `json:"type"`
			URL       string `json:"url"`
			Name      string `json:"name"`
			Access    string `json:"access"`
			IsDefault bool   `json:"isDefault"`
			Editable  bool   `json:"editable"`
		} `json:"datasources"`
	}
	if err := sigsyaml.UnmarshalStrict(readFile(t, filepath.Join(observability, "grafana", "provisioning", "datasources", "prometheus.yml")), &ds); err != nil {
		t.Fatal(err)
	}
	var all string
	for _, p := range dash.Panels {
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || len(ds.Datasources) == 0 || p.Datasource.UID != ds.Datasources[0].UID {
			t.Errorf("panel %q does not use the provisioned data source", p.Title)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, target := range p.Targets {
			if bad := unknownMetrics(target.Expr); len(bad) > 0 {
				t.Errorf("panel %q reads metrics no process exports: %v", p.Title, bad)
			}
			all += target.Expr + "\n"
		}
	}
	for what, needle := range map[string]string{
		"request rate per route":  "sum by (route) (rate(douyin_http_request_duration_seconds_count",
		"latency per route":       "sum by (le, route) (rate(douyin_http_request_duration_seconds_bucket",
		"errors per route":        "douyin_http_api_errors_total",
		"rate per RPC method":     "sum by (service, method) (rate(douyin_rpc_server_duration_seconds_count",
		"latency per RPC method":  "sum by (le, service, method) (rate(douyin_rpc_server_duration_seconds_bucket",
		"errors per RPC method":   `douyin_rpc_server_duration_seconds_count{outcome="error"}`,
		"consumer lag":            "douyin_consumer_lag",
		"outbox backlog":          "douyin_outbox_backlog",
		"cache hit ratio":         `douyin_cache_requests_total{result="hit"}`,
		"etcd registration state": "douyin_registered",
	} {
		if !strings.Contains(all, needle) {
			t.Errorf("the dashboard does not show %s (%s)", what, needle)
		}
	}
}

// TestComposeObservability: Prometheus scrapes the admin port of every
// douyin service, Grafana is provisioned with the dashboard, and the
// collector configs of compose and the dev overlay are the same.
func TestComposeObservability(t *testing.T) {
	proj, err := loadCompose(readFile(t, composePath), composeEnv)
	if err != nil {
		t.Fatal(err)
	}
	var prom struct {
		RuleFiles     []string `json:"rule_files"`
		ScrapeConfigs []struct {
			JobName      string `json:"job_name"`
			DNSSDConfigs []struct {
				Names []string `json:"names"`
				Port  int      `json:"port"`
			} `json:"dns_sd_configs"`
		} `json:"scrape_configs"`
	}
	mounts := map[string]string{}
	for _, name := range []string{"prometheus", "grafana"} {
		for _, v := range proj.Services[name].Volumes {
			if v.Type == "bind" {
				mounts[v.Target] = v.Source
				if _, err := os.Stat(v.Source); err != nil {
					t.Errorf("%s mounts %s, which does not exist", name, v.Source)
				}
			}
		}
	}
	if err := sigsyaml.Unmarshal(readFile(t, filepath.Join(mounts["/etc/prometheus"], "prometheus.yml")), &prom); err != nil {
		t.Fatal(err)
	}
	scraped := map[string]bool{}
	for _, sc := range prom.ScrapeConfigs {
		for _, sd := range sc.DNSSDConfigs {
			for _, n := range sd.Names {
				if admin := proj.Services[n].Environment["DOUYIN_ADMIN_ADDR"]; admin != nil && *admin == ":"+strconv.Itoa(sd.Port) {
					scraped[n] = true
				}
			}
		}
	}
	for _, proc := range processes {
		if !scraped[proc.name] {
			t.Errorf("Prometheus does not scrape %s's admin port", proc.name)
		}
	}
	for _, f := range prom.RuleFiles {
		if rel, ok := strings.CutPrefix(f, "/etc/prometheus/"); !ok || !sameFile(t, filepath.Join(mounts["/etc/prometheus"], rel), alertsPath) {
			t.Errorf("Prometheus rule file %s is not %s", f, alertsPath)
		}
	}
	if len(prom.RuleFiles) == 0 {
		t.Error("Prometheus loads no alert rules")
	}
	if !sameFile(t, filepath.Join(mounts["/var/lib/grafana/dashboards"], "douyin.json"), dashboardPath) {
		t.Error("Grafana is not provisioned with the douyin dashboard")
	}
	if !bytes.Equal(readFile(t, filepath.Join(observability, "otel-collector.yaml")), readFile(t, filepath.Join(k8sDir, "overlays", "dev", "otel-collector-config.yaml"))) {
		t.Error("the collector configs of compose and the dev overlay differ: keep them equal")
	}
}

func sameFile(t *testing.T, a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}
