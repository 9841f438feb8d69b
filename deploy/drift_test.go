package deploy

import (
	"bytes"
	"strings"
	"testing"
)

// drift is a plausible mistake in one deployment file and what the checks
// must say about it: each defect the deployment once had, or could easily
// get again, has a case here, so a check that stops catching it fails.
type drift struct {
	name     string
	file     string // path from the repository root
	old, new string // the first occurrence of old becomes new
	want     string // a substring of the problem reported
}

var drifts = []drift{
	// docker-compose.yml
	{"two services build one image", "docker-compose.yml", "image: douyin-user:${DOUYIN_TAG:-dev}", "image: douyin-gateway:${DOUYIN_TAG:-dev}", "both build image"},
	{"a service without a restart policy", "docker-compose.yml", "    restart: unless-stopped\n    stop_grace_period: 30s\n    depends_on: *backend-deps\n\n  video:", "    stop_grace_period: 30s\n    depends_on: *backend-deps\n\n  video:", `has restart ""`},
	{"public URL defaults to localhost", "docker-compose.yml", `"${DOUYIN_PUBLIC_URL:?set DOUYIN_PUBLIC_URL in .env to http://<this machine's LAN IP>:8080, the address phones use}"`, `"${DOUYIN_PUBLIC_URL:-http://localhost:8080}"`, "DOUYIN_PUBLIC_URL must be required"},
	{"a console on every interface", "docker-compose.yml", `"127.0.0.1:9001:9001"`, `"9001:9001"`, "want 127.0.0.1 only"},
	{"OTLP on every interface", "docker-compose.yml", `"127.0.0.1:4317:4317"`, `"4317:4317"`, "want 127.0.0.1 only"},
	{"pools beyond max_connections", "docker-compose.yml", `DOUYIN_MYSQL_MAX_OPEN_CONNS: "20"`, `DOUYIN_MYSQL_MAX_OPEN_CONNS: "50"`, "MySQL connections"},
	{"misspelled compose key", "docker-compose.yml", "restart: on-failure", "restrat: on-failure", "restrat"},
	{"misspelled variable", "docker-compose.yml", `DOUYIN_REDIS_ADDR: "redis:6379"`, `DOUYIN_REDIS_ADRR: "redis:6379"`, "not a config variable"},
	{"Kafka advertises an unreachable listener", "docker-compose.yml", "KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:9092", "KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://localhost:9092", "Kafka advertises"},
	{"Redis password differs", "docker-compose.yml", `"--requirepass", "${REDIS_PASSWORD:-douyin-redis}"`, `"--requirepass", "${REDIS_PASSWORD:-other}"`, "requirepass"},
	{"MySQL user differs", "docker-compose.yml", "MYSQL_USER: douyin", "MYSQL_USER: app", "do not match MySQL"},
	{"traces bypass the collector", "docker-compose.yml", `OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4317"`, `OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4317"`, "collector receives"},
	{"services migrate themselves", "docker-compose.yml", `DOUYIN_AUTO_MIGRATE: "false"`, `DOUYIN_AUTO_MIGRATE: "true"`, "migrates its own tables"},
	// Dockerfile
	{"floating Go image", "Dockerfile", "ARG GO_VERSION=1.26.8", "ARG GO_VERSION=1.26", "exactly go.mod's Go"},
	{"a binary not built", "Dockerfile", "./cmd/message ", "", "does not build ./cmd/message"},
	// Kubernetes base
	{"admin port on the public Service", "deploy/k8s/base/gateway.yaml", "    - name: http\n      port: 80\n      targetPort: http\n", "    - name: http\n      port: 80\n      targetPort: http\n    - name: admin\n      port: 9090\n      targetPort: admin\n", "public gateway Service exposes the admin port"},
	{"misspelled manifest field", "deploy/k8s/base/user.yaml", "readinessProbe:", "readynessProbe:", "unknown field"},
	{"misspelled kustomization field", "deploy/k8s/base/kustomization.yaml", "\nimages:", "\nimagez:", "imagez"},
	{"mutable image tag", "deploy/k8s/base/kustomization.yaml", "newTag: v0.1.0", "newTag: latest", "immutable tag"},
	{"runAsUser is not the image's USER", "deploy/k8s/base/user.yaml", "runAsUser: 10001", "runAsUser: 1000", "Dockerfile's USER"},
	{"upload spool too small", "deploy/k8s/base/gateway.yaml", "sizeLimit: 5Gi", "sizeLimit: 2Gi", "upload spool"},
	{"GOMEMLIMIT above the limit", "deploy/k8s/base/user.yaml", `value: "460MiB"`, `value: "600MiB"`, "GOMEMLIMIT"},
	{"gateway without preStop", "deploy/k8s/base/gateway.yaml", "          lifecycle:\n            preStop:\n              exec:\n                command: [\"sleep\", \"5\"]\n", "", "no preStop"},
	{"drain shorter than the refresh", "deploy/k8s/base/configmap.yaml", `DOUYIN_SHUTDOWN_DRAIN: "8s"`, `DOUYIN_SHUTDOWN_DRAIN: "4s"`, "must exceed"},
	{"grace period shorter than the drain", "deploy/k8s/base/user.yaml", "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 10", "terminationGracePeriodSeconds"},
	{"rollout takes a pod down first", "deploy/k8s/base/video.yaml", "maxUnavailable: 0", "maxUnavailable: 1", "maxUnavailable: 0"},
	{"services need DDL rights", "deploy/k8s/base/configmap.yaml", `DOUYIN_AUTO_MIGRATE: "false"`, `DOUYIN_AUTO_MIGRATE: "true"`, "DDL rights"},
	{"service account token mounted", "deploy/k8s/base/serviceaccount.yaml", "automountServiceAccountToken: false", "automountServiceAccountToken: true", "must not mount a token"},
	{"a secret key nobody provides", "deploy/k8s/base/message.yaml", "key: DOUYIN_REDIS_PASSWORD", "key: DOUYIN_REDIS_PASS", "not a documented douyin-secrets key"},
	// dev overlay
	{"placeholder secret", "deploy/k8s/overlays/dev/kustomization.yaml", "DOUYIN_JWT_SECRET=dev-only-jwt-secret-0123456789abcdef", "DOUYIN_JWT_SECRET=CHANGE-ME-0123456789", "placeholder"},
	{"DSN password differs from MySQL's", "deploy/k8s/overlays/dev/kustomization.yaml", "MYSQL_PASSWORD=dev-mysql-password", "MYSQL_PASSWORD=other", "do not match MySQL"},
	{"dev overlay without Kafka", "deploy/k8s/overlays/dev/kustomization.yaml", "  - kafka.yaml\n", "", "no kafka StatefulSet"},
	{"dev images pulled", "deploy/k8s/overlays/dev/kustomization.yaml", "value: Never}\n  - target: {kind: Job", "value: IfNotPresent}\n  - target: {kind: Job", "imagePullPolicy must be Never"},
	{"collector exports elsewhere", "deploy/k8s/overlays/dev/otel-collector-config.yaml", "endpoint: jaeger:4317", "endpoint: jaeger:14250", "not to a Jaeger Service port"},
	// prod overlay
	{"RF 1 on a real cluster", "deploy/k8s/overlays/prod/config.yaml", `DOUYIN_KAFKA_REPLICATION_FACTOR: "3"`, `DOUYIN_KAFKA_REPLICATION_FACTOR: "1"`, "replication factor"},
	{"Redis without TLS", "deploy/k8s/overlays/prod/config.yaml", `DOUYIN_REDIS_TLS_ENABLED: "true"`, `DOUYIN_REDIS_TLS_ENABLED: "false"`, "DOUYIN_REDIS_TLS_ENABLED"},
	{"etcd over plain HTTP", "deploy/k8s/overlays/prod/config.yaml", "https://etcd-0", "http://etcd-0", "is not https"},
	{"a Deployment without HPA", "deploy/k8s/overlays/prod/hpa.yaml", "    name: douyin-message\n", "    name: douyin-messages\n", "no HPA scales douyin-message"},
	{"replicas fight the HPA", "deploy/k8s/overlays/prod/kustomization.yaml", "      - {op: remove, path: /spec/replicas}\n", "      - {op: test, path: /spec/replicas, value: 2}\n", "sets replicas"},
	{"no PDB", "deploy/k8s/overlays/prod/pdb.yaml", "app.kubernetes.io/name: douyin-video", "app.kubernetes.io/name: douyin-videos", "no PodDisruptionBudget covers douyin-video"},
	{"upload body refused by the Ingress", "deploy/k8s/overlays/prod/ingress.yaml", `proxy-body-size: "101m"`, `proxy-body-size: "10m"`, "body size"},
	{"pools beyond the managed database", "deploy/k8s/overlays/prod/hpa.yaml", "maxReplicas: 6", "maxReplicas: 30", "MySQL connections"},
	{"admin port not scraped", "deploy/k8s/overlays/prod/servicemonitor.yaml", "- port: admin", "- port: metrics", "no ServiceMonitor scrapes"},
	{"no default deny", "deploy/k8s/overlays/prod/networkpolicy.yaml", "  podSelector: {}\n  policyTypes: [Ingress]\n\n---", "  podSelector:\n    matchLabels: {x: y}\n  policyTypes: [Ingress]\n\n---", "no default-deny"},
}

// runChecks applies edit to file and runs every check that reads it.
func runChecks(t *testing.T, vars map[string]configVar, file string, edit func([]byte) []byte) problems {
	t.Helper()
	var p problems
	switch file {
	case "docker-compose.yml":
		checkComposeFile(&p, edit(readFile(t, composePath)), vars)
	case "Dockerfile":
		checkDockerfile(&p, edit(readFile(t, dockerfilePath)), goVersion(t))
	default:
		fsys := diskTree(t)
		path := "/" + strings.TrimPrefix(file, "deploy/")
		raw, err := fsys.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := fsys.WriteFile(path, edit(raw)); err != nil {
			t.Fatal(err)
		}
		uid := dockerfileUser(t, readFile(t, dockerfilePath))
		for _, k := range kustomizations {
			checkKustomization(&p, fsys, k, vars, uid)
		}
	}
	return p
}

func TestChecksCatchDrift(t *testing.T) {
	vars := configVars(t)
	baseline := map[string]bool{}
	for _, tc := range drifts {
		t.Run(tc.name, func(t *testing.T) {
			if !baseline[tc.file] {
				if p := runChecks(t, vars, tc.file, func(b []byte) []byte { return b }); len(p) > 0 {
					t.Fatalf("%s already has problems: %v", tc.file, p)
				}
				baseline[tc.file] = true
			}
			found := false
			p := runChecks(t, vars, tc.file, func(b []byte) []byte {
				found = bytes.Contains(b, []byte(tc.old))
				return bytes.Replace(b, []byte(tc.old), []byte(tc.new), 1)
			})
			if !found {
				t.Fatalf("%s no longer contains %q: update this case", tc.file, tc.old)
			}
			for _, msg := range p {
				if strings.Contains(msg, tc.want) {
					return
				}
			}
			t.Errorf("no check caught it (want %q); problems: %v", tc.want, p)
		})
	}
}
