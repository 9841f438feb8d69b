package deploy

import (
	"net/url"
	"slices"
	"strings"

	mysqldriver "github.com/go-sql-driver/mysql"
)

// infra is what the infrastructure of one deployment offers: where each
// server is reachable and the credentials it was started with. Compose and
// the dev overlay describe theirs; checkInfra holds every douyin process
// to it.
type infra struct {
	where string
	mysql struct {
		addrs                    []string // host:port reachable from the douyin containers
		user, password, database string
		maxConns                 int
	}
	redis struct {
		addrs    []string
		password string
	}
	s3 struct {
		addrs                []string
		accessKey, secretKey string
	}
	// kafkaAdvertised are the host:port the brokers advertise; each must
	// also be reachable (in kafkaAddrs), or clients connect to the bootstrap
	// address and then fail on the advertised one.
	kafkaAdvertised []string
	kafkaAddrs      []string
	etcdAddrs       []string
	collectorAddrs  []string // OTLP gRPC of the OpenTelemetry Collector
}

// checkInfra checks that in points at in the infrastructure with the
// credentials it has.
func checkInfra(p *problems, in instance, inf infra) {
	for _, adv := range inf.kafkaAdvertised {
		if !slices.Contains(inf.kafkaAddrs, adv) {
			p.add("%s: Kafka advertises %s, which is not a reachable address %v", inf.where, adv, inf.kafkaAddrs)
		}
	}
	if in.proc.database {
		checkDSN(p, in, inf, "DOUYIN_MYSQL_DSN")
	}
	if v, ok := in.env["DOUYIN_REDIS_ADDR"]; ok && slices.Contains(in.proc.needs, "REDIS_ADDR") {
		if !slices.Contains(inf.redis.addrs, v.value) {
			p.add("%s: DOUYIN_REDIS_ADDR=%q, but Redis is at %v", in, v.value, inf.redis.addrs)
		}
		if got := in.value("DOUYIN_REDIS_PASSWORD", ""); got != inf.redis.password {
			p.add("%s: DOUYIN_REDIS_PASSWORD %q does not match Redis's requirepass %q", in, got, inf.redis.password)
		}
	}
	if v, ok := in.env["DOUYIN_S3_ENDPOINT"]; ok && slices.Contains(in.proc.needs, "S3_ENDPOINT") {
		if !slices.Contains(inf.s3.addrs, v.value) {
			p.add("%s: DOUYIN_S3_ENDPOINT=%q, but the object store is at %v", in, v.value, inf.s3.addrs)
		}
		if in.value("DOUYIN_S3_ACCESS_KEY", "") != inf.s3.accessKey || in.value("DOUYIN_S3_SECRET_KEY", "") != inf.s3.secretKey {
			p.add("%s: DOUYIN_S3_ACCESS_KEY/SECRET_KEY do not match the object store's root credentials", in)
		}
	}
	if in.proc.kafka {
		for _, b := range splitList(in.value("DOUYIN_KAFKA_BROKERS", "")) {
			if !slices.Contains(inf.kafkaAdvertised, b) {
				p.add("%s: Kafka broker %q is not what Kafka advertises %v", in, b, inf.kafkaAdvertised)
			}
		}
	}
	for _, e := range splitList(in.value("DOUYIN_ETCD_ENDPOINTS", "")) {
		if !slices.Contains(inf.etcdAddrs, stripScheme(e)) {
			p.add("%s: etcd endpoint %q, but etcd is at %v", in, e, inf.etcdAddrs)
		}
	}
	if e := in.value("OTEL_EXPORTER_OTLP_ENDPOINT", ""); e != "" && !slices.Contains(inf.collectorAddrs, stripScheme(e)) {
		p.add("%s: OTEL_EXPORTER_OTLP_ENDPOINT=%q, but the collector receives OTLP gRPC at %v", in, e, inf.collectorAddrs)
	}
}

// checkDSN checks a MySQL DSN against the database server.
func checkDSN(p *problems, in instance, inf infra, name string) {
	dsn := in.value(name, "")
	cfg, err := mysqldriver.ParseDSN(dsn)
	if err != nil {
		p.add("%s: %s: %v", in, name, err)
		return
	}
	if !slices.Contains(inf.mysql.addrs, cfg.Addr) {
		p.add("%s: %s connects to %s, but MySQL is at %v", in, name, cfg.Addr, inf.mysql.addrs)
	}
	if cfg.User != inf.mysql.user || cfg.Passwd != inf.mysql.password {
		p.add("%s: %s user/password do not match MySQL's MYSQL_USER/MYSQL_PASSWORD (%s)", in, name, inf.mysql.user)
	}
	if cfg.DBName != inf.mysql.database {
		p.add("%s: %s uses database %q, MySQL creates %q", in, name, cfg.DBName, inf.mysql.database)
	}
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// stripScheme turns http://host:port into host:port.
func stripScheme(s string) string {
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		return u.Host
	}
	return s
}

// listenerAddrs parses a Kafka listener list ("PLAINTEXT://kafka:9092,
// CONTROLLER://:9093") into name -> host:port.
func listenerAddrs(s string) map[string]string {
	out := map[string]string{}
	for _, l := range splitList(s) {
		name, addr, ok := strings.Cut(l, "://")
		if ok {
			out[name] = addr
		}
	}
	return out
}
