package deploy

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	sigsyaml "sigs.k8s.io/yaml"
)

// kustomizations are the kustomize roots under deploy/k8s: the base and
// every overlay.
var kustomizations = []string{"base", "overlays/dev", "overlays/prod"}

// cluster is what one kustomization builds, every object decoded into its
// Kubernetes API type.
type cluster struct {
	where           string
	namespaces      map[string]*corev1.Namespace
	serviceAccounts map[string]*corev1.ServiceAccount
	configMaps      map[string]*corev1.ConfigMap
	secrets         map[string]*corev1.Secret
	services        map[string]*corev1.Service
	deployments     map[string]*appsv1.Deployment
	statefulSets    map[string]*appsv1.StatefulSet
	jobs            map[string]*batchv1.Job
	hpas            map[string]*autoscalingv2.HorizontalPodAutoscaler
	pdbs            map[string]*policyv1.PodDisruptionBudget
	ingresses       map[string]*networkingv1.Ingress
	networkPolicies map[string]*networkingv1.NetworkPolicy
	serviceMonitors map[string]*monitoringv1.ServiceMonitor
	prometheusRules map[string]*monitoringv1.PrometheusRule
}

// decoders maps apiVersion/kind to where a decoded object goes. A kind not
// listed here fails the build: every object is decoded strictly.
func (c *cluster) decoders() map[string]func([]byte) (string, error) {
	return map[string]func([]byte) (string, error){
		"v1/Namespace":                            into(c.namespaces),
		"v1/ServiceAccount":                       into(c.serviceAccounts),
		"v1/ConfigMap":                            into(c.configMaps),
		"v1/Secret":                               into(c.secrets),
		"v1/Service":                              into(c.services),
		"apps/v1/Deployment":                      into(c.deployments),
		"apps/v1/StatefulSet":                     into(c.statefulSets),
		"batch/v1/Job":                            into(c.jobs),
		"autoscaling/v2/HorizontalPodAutoscaler":  into(c.hpas),
		"policy/v1/PodDisruptionBudget":           into(c.pdbs),
		"networking.k8s.io/v1/Ingress":            into(c.ingresses),
		"networking.k8s.io/v1/NetworkPolicy":      into(c.networkPolicies),
		"monitoring.coreos.com/v1/ServiceMonitor": into(c.serviceMonitors),
		"monitoring.coreos.com/v1/PrometheusRule": into(c.prometheusRules),
	}
}

// object is any Kubernetes API object type (its name is read back).
type object interface{ GetName() string }

// into decodes strictly (an unknown or duplicate field is an error) into a
// new T and files it under its name.
func into[T any, PT interface {
	*T
	object
}](m map[string]PT) func([]byte) (string, error) {
	return func(raw []byte) (string, error) {
		obj := PT(new(T))
		if err := sigsyaml.UnmarshalStrict(raw, obj); err != nil {
			return "", err
		}
		if _, dup := m[obj.GetName()]; dup {
			return "", fmt.Errorf("two objects named %s", obj.GetName())
		}
		m[obj.GetName()] = obj
		return obj.GetName(), nil
	}
}

func newCluster(where string) *cluster {
	return &cluster{
		where: where, namespaces: map[string]*corev1.Namespace{}, serviceAccounts: map[string]*corev1.ServiceAccount{},
		configMaps: map[string]*corev1.ConfigMap{}, secrets: map[string]*corev1.Secret{}, services: map[string]*corev1.Service{},
		deployments: map[string]*appsv1.Deployment{}, statefulSets: map[string]*appsv1.StatefulSet{}, jobs: map[string]*batchv1.Job{},
		hpas: map[string]*autoscalingv2.HorizontalPodAutoscaler{}, pdbs: map[string]*policyv1.PodDisruptionBudget{},
		ingresses: map[string]*networkingv1.Ingress{}, networkPolicies: map[string]*networkingv1.NetworkPolicy{},
		serviceMonitors: map[string]*monitoringv1.ServiceMonitor{}, prometheusRules: map[string]*monitoringv1.PrometheusRule{},
	}
}

// build runs kustomize on dir of fsys and decodes every object strictly.
func build(fsys filesys.FileSystem, dir, where string) (*cluster, error) {
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", where, err)
	}
	c := newCluster(where)
	decoders := c.decoders()
	for _, res := range resources.Resources() {
		gvk := res.GetGvk()
		key := strings.TrimPrefix(gvk.Group+"/"+gvk.Version+"/"+gvk.Kind, "/")
		decode, ok := decoders[key]
		if !ok {
			return nil, fmt.Errorf("%s: %s %s: no Kubernetes API type registered for %s", where, gvk.Kind, res.GetName(), key)
		}
		raw, err := res.AsYAML()
		if err != nil {
			return nil, err
		}
		if _, err := decode(raw); err != nil {
			return nil, fmt.Errorf("%s: %s %s does not decode strictly: %w", where, gvk.Kind, res.GetName(), err)
		}
		if ns := res.GetNamespace(); gvk.Kind != "Namespace" && ns != "douyin" {
			return nil, fmt.Errorf("%s: %s %s is in namespace %q, want douyin", where, gvk.Kind, res.GetName(), ns)
		}
	}
	return c, nil
}

// diskTree copies deploy/k8s into an in-memory file system under /k8s, so
// tests can change files before building.
func diskTree(t testing.TB) filesys.FileSystem {
	t.Helper()
	mem := filesys.MakeFsInMemory()
	err := filepath.WalkDir(k8sDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return mem.WriteFile("/"+filepath.ToSlash(path), raw)
	})
	if err != nil {
		t.Fatal(err)
	}
	return mem
}

// buildAll builds every kustomization of fsys.
func buildAll(t testing.TB, fsys filesys.FileSystem) map[string]*cluster {
	t.Helper()
	out := map[string]*cluster{}
	for _, k := range kustomizations {
		c, err := build(fsys, "/k8s/"+k, "k8s/"+k)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = c
	}
	return out
}

// TestKustomizeBuildsStrictly builds the base and every overlay with
// kustomize and decodes every object strictly into its API type.
func TestKustomizeBuildsStrictly(t *testing.T) {
	clusters := buildAll(t, diskTree(t))
	for _, k := range kustomizations {
		c := clusters[k]
		if len(c.deployments)-countInfra(c) != len(processes) {
			t.Errorf("%s: %d douyin Deployments, want %d", k, len(c.deployments)-countInfra(c), len(processes))
		}
	}
	// Every manifest file is used by some kustomization.
	used := map[string]bool{}
	for _, k := range kustomizations {
		for _, f := range kustomizationFiles(t, filepath.Join(k8sDir, k)) {
			used[filepath.Join(k8sDir, k, f)] = true
		}
	}
	_ = filepath.WalkDir(k8sDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".yaml") && filepath.Base(path) != "kustomization.yaml" && !used[path] {
			t.Errorf("%s is not used by any kustomization", path)
		}
		return nil
	})
}

func countInfra(c *cluster) int {
	n := 0
	for name := range c.deployments {
		if !strings.HasPrefix(name, "douyin-") {
			n++
		}
	}
	return n
}

// kustomizationFiles lists the files a kustomization.yaml names
// (resources, patches, generator files).
func kustomizationFiles(t testing.TB, dir string) []string {
	var k struct {
		Resources []string `yaml:"resources"`
		Patches   []struct {
			Path string `yaml:"path"`
		} `yaml:"patches"`
		ConfigMapGenerator []struct {
			Files []string `yaml:"files"`
		} `yaml:"configMapGenerator"`
	}
	if err := sigsyaml.Unmarshal(readFile(t, filepath.Join(dir, "kustomization.yaml")), &k); err != nil {
		t.Fatal(err)
	}
	out := append([]string{}, k.Resources...)
	for _, p := range k.Patches {
		if p.Path != "" {
			out = append(out, p.Path)
		}
	}
	for _, g := range k.ConfigMapGenerator {
		for _, f := range g.Files {
			_, file, ok := strings.Cut(f, "=")
			if !ok {
				file = f
			}
			out = append(out, file)
		}
	}
	sort.Strings(out)
	return out
}
