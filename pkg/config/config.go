// Package config is the one typed configuration of every douyin process:
// defaults, then an optional YAML file, then DOUYIN_* environment variables.
package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // zones work in minimal containers too

	"github.com/caarlos0/env/v11"
	"gopkg.in/yaml.v3"
)

// Config is shared by the embedded all-in-one process and by each service
// binary; a service reads only the parts it needs.
type Config struct {
	// HTTPAddr is where the gateway listens.
	HTTPAddr string `yaml:"http_addr" env:"HTTP_ADDR"`
	// PublicURL is the base of media and default-image links handed to
	// clients; empty means http://<host of HTTPAddr, 127.0.0.1 if unset>.
	PublicURL string `yaml:"public_url" env:"PUBLIC_URL"`
	// DataDir holds SQLite, media objects and generated secrets in embedded mode.
	DataDir string `yaml:"data_dir" env:"DATA_DIR"`

	// MySQLDSN selects MySQL/MariaDB; empty means SQLite under DataDir.
	MySQLDSN string `yaml:"mysql_dsn" env:"MYSQL_DSN"`
	// MySQLMaxOpenConns bounds each process's MySQL pool: the sum over every
	// replica of every service must stay under the server's max_connections.
	MySQLMaxOpenConns int `yaml:"mysql_max_open_conns" env:"MYSQL_MAX_OPEN_CONNS"`
	// MySQLMaxIdleConns is how many of those stay open while idle.
	MySQLMaxIdleConns int `yaml:"mysql_max_idle_conns" env:"MYSQL_MAX_IDLE_CONNS"`
	// MySQLReplicaDSNs are read replicas of MySQLDSN. Only reads of rows
	// older than MySQLReplicaLag go to them (see db.Aged).
	MySQLReplicaDSNs []string      `yaml:"mysql_replica_dsns" env:"MYSQL_REPLICA_DSNS" envSeparator:","`
	MySQLReplicaLag  time.Duration `yaml:"mysql_replica_lag" env:"MYSQL_REPLICA_LAG"`
	// AutoMigrate lets each service create and alter its own tables at
	// start. Turn it off where replicas have no DDL rights and a migration
	// job runs `douyin migrate` instead; services then wait for it.
	AutoMigrate bool `yaml:"auto_migrate" env:"AUTO_MIGRATE"`
	// RedisAddr selects a real Redis; empty means an in-process one.
	// Several addresses (comma-separated) are a Redis Cluster, or, with
	// RedisMasterName, the sentinels watching that master.
	RedisAddr       string `yaml:"redis_addr" env:"REDIS_ADDR"`
	RedisMasterName string `yaml:"redis_master_name" env:"REDIS_MASTER_NAME"`
	RedisUsername   string `yaml:"redis_username" env:"REDIS_USERNAME"` // Redis 6 ACL user
	RedisPassword   string `yaml:"redis_password" env:"REDIS_PASSWORD"`
	RedisTLS        TLS    `yaml:"redis_tls" envPrefix:"REDIS_TLS_"`
	// RedisPrefix starts every key, so deployments can share a server.
	RedisPrefix string `yaml:"redis_prefix" env:"REDIS_PREFIX"`
	// KafkaBrokers selects a real Kafka; empty means an in-process one.
	KafkaBrokers []string `yaml:"kafka_brokers" env:"KAFKA_BROKERS" envSeparator:","`
	// KafkaPartitions is the partition count of topics douyin creates.
	KafkaPartitions int `yaml:"kafka_partitions" env:"KAFKA_PARTITIONS"`
	// KafkaReplicationFactor of topics douyin creates; 0 means the
	// cluster's default.replication.factor, capped at its broker count.
	KafkaReplicationFactor int `yaml:"kafka_replication_factor" env:"KAFKA_REPLICATION_FACTOR"`
	// KafkaMinInsyncReplicas of topics douyin creates; 0 keeps the
	// cluster's min.insync.replicas (lowered to the replication factor if
	// it is higher, or acks=all could never succeed).
	KafkaMinInsyncReplicas int       `yaml:"kafka_min_insync_replicas" env:"KAFKA_MIN_INSYNC_REPLICAS"`
	KafkaTLS               TLS       `yaml:"kafka_tls" envPrefix:"KAFKA_TLS_"`
	KafkaSASL              KafkaSASL `yaml:"kafka_sasl" envPrefix:"KAFKA_SASL_"`
	// EtcdEndpoints turns on service discovery; empty means static addresses.
	EtcdEndpoints []string `yaml:"etcd_endpoints" env:"ETCD_ENDPOINTS" envSeparator:","`
	EtcdUsername  string   `yaml:"etcd_username" env:"ETCD_USERNAME"`
	EtcdPassword  string   `yaml:"etcd_password" env:"ETCD_PASSWORD"`
	EtcdTLS       TLS      `yaml:"etcd_tls" envPrefix:"ETCD_TLS_"`
	// EtcdLeaseTTL is how long a registration outlives a process that died
	// without deregistering.
	EtcdLeaseTTL time.Duration `yaml:"etcd_lease_ttl" env:"ETCD_LEASE_TTL"`
	// DiscoveryRefresh is how often clients re-read a service's instances
	// from etcd.
	DiscoveryRefresh time.Duration `yaml:"discovery_refresh" env:"DISCOVERY_REFRESH"`
	// ShutdownDrain is how long a server registered in etcd keeps serving
	// after deregistering on SIGTERM, so every client has refreshed its
	// instance list before it stops. It must exceed DiscoveryRefresh.
	ShutdownDrain time.Duration `yaml:"shutdown_drain" env:"SHUTDOWN_DRAIN"`
	// AdvertiseHost is the host a service registers in etcd; empty means
	// the host of its listen address, or this machine's address if that is
	// unspecified (0.0.0.0).
	AdvertiseHost string `yaml:"advertise_host" env:"ADVERTISE_HOST"`
	// AdminAddr serves /healthz, /readyz and /metrics; empty turns it off.
	AdminAddr string `yaml:"admin_addr" env:"ADMIN_ADDR"`
	// TimeZone (IANA name) dates comments (MM-DD); the client's users are
	// in China.
	TimeZone string `yaml:"time_zone" env:"TIME_ZONE"`

	JWT        JWT        `yaml:"jwt" envPrefix:"JWT_"`
	Services   Services   `yaml:"services" envPrefix:"SVC_"`
	Storage    Storage    `yaml:"storage" envPrefix:"S3_"`
	Upload     Upload     `yaml:"upload" envPrefix:"UPLOAD_"`
	RPC        RPC        `yaml:"rpc" envPrefix:"RPC_"`
	Live       Live       `yaml:"live" envPrefix:"LIVE_"`
	HTTP       HTTP       `yaml:"http" envPrefix:"HTTP_"`
	RateLimits RateLimits `yaml:"rate_limits"`
	Moderation Moderation `yaml:"moderation" envPrefix:"MODERATION_"`
}

// JWT configures the tokens issued by register and login.
type JWT struct {
	// Secret signs HS256 tokens. Distributed processes refuse to start
	// without one; the embedded default generates and keeps one in DataDir.
	Secret string        `yaml:"secret" env:"SECRET"`
	TTL    time.Duration `yaml:"ttl" env:"TTL"`
}

// Services are the listen addresses of the Kitex services, used as static
// addresses by clients when no etcd is configured.
type Services struct {
	User        string `yaml:"user" env:"USER_ADDR"`
	Video       string `yaml:"video" env:"VIDEO_ADDR"`
	Interaction string `yaml:"interaction" env:"INTERACTION_ADDR"`
	Message     string `yaml:"message" env:"MESSAGE_ADDR"`
}

// Storage is the S3 endpoint for media; empty Endpoint means an in-process
// S3-protocol server keeping objects under DataDir.
type Storage struct {
	Endpoint  string `yaml:"endpoint" env:"ENDPOINT"`
	AccessKey string `yaml:"access_key" env:"ACCESS_KEY"`
	SecretKey string `yaml:"secret_key" env:"SECRET_KEY"`
	Bucket    string `yaml:"bucket" env:"BUCKET"`
	UseSSL    bool   `yaml:"use_ssl" env:"USE_SSL"`
}

// TLS configures a client connection to Redis, Kafka or etcd. Enabled
// with no files trusts the system roots, as managed services expect.
type TLS struct {
	Enabled bool `yaml:"enabled" env:"ENABLED"`
	// CAFile adds a private CA; CertFile and KeyFile present a client
	// certificate (mutual TLS).
	CAFile   string `yaml:"ca_file" env:"CA_FILE"`
	CertFile string `yaml:"cert_file" env:"CERT_FILE"`
	KeyFile  string `yaml:"key_file" env:"KEY_FILE"`
	// ServerName overrides the name checked in the server's certificate.
	ServerName string `yaml:"server_name" env:"SERVER_NAME"`
	// InsecureSkipVerify turns certificate checks off (tests only).
	InsecureSkipVerify bool `yaml:"insecure_skip_verify" env:"INSECURE_SKIP_VERIFY"`
}

// KafkaSASL authenticates to Kafka: Mechanism is empty (none), PLAIN,
// SCRAM-SHA-256 or SCRAM-SHA-512.
type KafkaSASL struct {
	Mechanism string `yaml:"mechanism" env:"MECHANISM"`
	Username  string `yaml:"username" env:"USERNAME"`
	Password  string `yaml:"password" env:"PASSWORD"`
}

// Upload limits publishing.
type Upload struct {
	MaxBytes int64 `yaml:"max_bytes" env:"MAX_BYTES"`
	// Timeout bounds reading one upload's body, however slowly it comes.
	Timeout time.Duration `yaml:"timeout" env:"TIMEOUT"`
	// MaxConcurrent and MaxConcurrentPerUser bound the uploads one gateway
	// instance reads at once, in all and for one user.
	MaxConcurrent        int `yaml:"max_concurrent" env:"MAX_CONCURRENT"`
	MaxConcurrentPerUser int `yaml:"max_concurrent_per_user" env:"MAX_CONCURRENT_PER_USER"`
	// MediaTimeout bounds each ffprobe and ffmpeg run on an upload.
	MediaTimeout time.Duration `yaml:"media_timeout" env:"MEDIA_TIMEOUT"`
}

// RPC tunes every Kitex client and server.
type RPC struct {
	Timeout        time.Duration `yaml:"timeout" env:"TIMEOUT"`
	ConnectTimeout time.Duration `yaml:"connect_timeout" env:"CONNECT_TIMEOUT"`
	// IdleConns is how many connections to each service instance a client
	// keeps open between calls.
	IdleConns int `yaml:"idle_conns" env:"IDLE_CONNS"`
	// MaxConcurrent is how many requests one method of one service
	// instance runs at once; more are refused at once (overload). The
	// default, 1024, is about 50-100 ms of queued work on 2 cores for the
	// cheapest methods: a sustained flood is refused within that, while a
	// GC pause or scheduler hiccup at a high but sustainable rate is not
	// (256 refused requests at half the peak rate in the load benchmark).
	MaxConcurrent int `yaml:"max_concurrent" env:"MAX_CONCURRENT"`
}

// HTTP bounds how long the gateway waits on a client. With the default
// netpoll transport a read or write timeout bounds each wait for the
// client (a stalled client is dropped; a slow one that keeps sending is
// not); the idle timeout bounds a keep-alive connection between requests.
type HTTP struct {
	ReadTimeout  time.Duration `yaml:"read_timeout" env:"READ_TIMEOUT"`
	WriteTimeout time.Duration `yaml:"write_timeout" env:"WRITE_TIMEOUT"`
	IdleTimeout  time.Duration `yaml:"idle_timeout" env:"IDLE_TIMEOUT"`
	// ExitWait is how long requests in flight get to finish when the
	// gateway stops.
	ExitWait time.Duration `yaml:"exit_wait" env:"EXIT_WAIT"`
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies
	// whose X-Forwarded-For / X-Real-IP the gateway believes; empty means
	// the client address is the connection's peer.
	TrustedProxies []string `yaml:"trusted_proxies" env:"TRUSTED_PROXIES" envSeparator:","`
}

// RateLimits are the per-client limits of the gateway, kept in Redis so
// every replica shares them. Each is a Rate such as "10/1m".
type RateLimits struct {
	// Mode is "on" (the default) or "off", which turns every limit off
	// (load tests, suites registering many users from one address).
	Mode string `yaml:"mode" env:"RATE_LIMITS"`
	// Per client IP.
	Register Rate `yaml:"register" env:"RATE_LIMIT_REGISTER"`
	Login    Rate `yaml:"login" env:"RATE_LIMIT_LOGIN"`
	// FailedLogin is per username: past it, the account refuses logins,
	// right or wrong, until the limit has room again.
	FailedLogin Rate `yaml:"failed_login" env:"RATE_LIMIT_FAILED_LOGIN"`
	// Per user.
	Publish Rate `yaml:"publish" env:"RATE_LIMIT_PUBLISH"`
	Comment Rate `yaml:"comment" env:"RATE_LIMIT_COMMENT"`
	Message Rate `yaml:"message" env:"RATE_LIMIT_MESSAGE"`
	Follow  Rate `yaml:"follow" env:"RATE_LIMIT_FOLLOW"`
	Like    Rate `yaml:"like" env:"RATE_LIMIT_LIKE"`
}

// Off reports whether every limit is turned off.
func (r RateLimits) Off() bool { return strings.EqualFold(r.Mode, "off") }

// Moderation configures the sensitive-word filter.
type Moderation struct {
	// Words is a word-list file (one word per line, # comments); empty
	// means the list built into the binary, "none" means no filtering.
	Words string `yaml:"words" env:"WORDS"`
}

// Live bounds the live chat sockets of one gateway.
type Live struct {
	// MaxConnsPerUser is how many sockets (tabs, devices) one user may
	// hold on one gateway.
	MaxConnsPerUser int `yaml:"max_conns_per_user" env:"MAX_CONNS_PER_USER"`
	// MaxConns is how many sockets one gateway holds.
	MaxConns int `yaml:"max_conns" env:"MAX_CONNS"`
}

// Default is the configuration of a fresh clone's `make run`.
func Default() Config {
	return Config{
		HTTPAddr:        ":8080",
		DataDir:         "./data",
		RedisPrefix:     "douyin:",
		TimeZone:        "Asia/Shanghai",
		KafkaPartitions: 3,
		AutoMigrate:     true,
		// 4 services x 30 stay under MySQL's default max_connections (151).
		MySQLMaxOpenConns: 30,
		MySQLMaxIdleConns: 10,
		MySQLReplicaLag:   2 * time.Second,
		EtcdLeaseTTL:      10 * time.Second,
		// Kitex's own default refresh; the drain outlasts it with margin.
		DiscoveryRefresh: 5 * time.Second,
		ShutdownDrain:    8 * time.Second,
		JWT:              JWT{TTL: 7 * 24 * time.Hour},
		Services: Services{
			User:        "127.0.0.1:8881",
			Video:       "127.0.0.1:8882",
			Interaction: "127.0.0.1:8883",
			Message:     "127.0.0.1:8884",
		},
		Storage: Storage{Bucket: "douyin"},
		Upload: Upload{
			MaxBytes: 100 << 20, Timeout: 10 * time.Minute, MediaTimeout: time.Minute,
			MaxConcurrent: 8, MaxConcurrentPerUser: 2,
		},
		RPC:  RPC{Timeout: 3 * time.Second, ConnectTimeout: 500 * time.Millisecond, IdleConns: 64, MaxConcurrent: 1024},
		Live: Live{MaxConnsPerUser: 8, MaxConns: 10000},
		HTTP: HTTP{ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, ExitWait: time.Second},
		// Far above what the official client does in normal use; it only
		// polls chat and pages the feed, which are not limited.
		RateLimits: RateLimits{
			Mode:        "on",
			Register:    Rate{N: 20, Per: time.Hour},
			Login:       Rate{N: 60, Per: 10 * time.Minute},
			FailedLogin: Rate{N: 10, Per: 15 * time.Minute},
			Publish:     Rate{N: 30, Per: time.Hour},
			Comment:     Rate{N: 30, Per: time.Minute},
			Message:     Rate{N: 60, Per: time.Minute},
			Follow:      Rate{N: 60, Per: time.Minute},
			Like:        Rate{N: 120, Per: time.Minute},
		},
	}
}

// Load reads defaults, then the YAML file at path (if path is not empty),
// then DOUYIN_* environment variables, each overriding the one before.
func Load(path string) (Config, error) {
	cfg := Default()
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("read config: %w", err)
		}
		if err := yaml.Unmarshal(raw, &cfg); err != nil {
			return cfg, fmt.Errorf("parse config %s: %w", path, err)
		}
	}
	if err := env.ParseWithOptions(&cfg, env.Options{Prefix: "DOUYIN_"}); err != nil {
		return cfg, fmt.Errorf("config from environment: %w", err)
	}
	return cfg, cfg.validate()
}

func (c Config) validate() error {
	if c.JWT.TTL <= 0 {
		return fmt.Errorf("jwt ttl must be positive, got %s", c.JWT.TTL)
	}
	if c.Upload.MaxBytes <= 0 {
		return fmt.Errorf("upload max_bytes must be positive, got %d", c.Upload.MaxBytes)
	}
	if c.Live.MaxConnsPerUser <= 0 || c.Live.MaxConns <= 0 {
		return fmt.Errorf("live max_conns_per_user and max_conns must be positive, got %d and %d", c.Live.MaxConnsPerUser, c.Live.MaxConns)
	}
	if _, err := c.Location(); err != nil {
		return err
	}
	if m := strings.ToLower(c.RateLimits.Mode); m != "" && m != "on" && m != "off" {
		return fmt.Errorf("rate_limits mode must be on or off, got %q", c.RateLimits.Mode)
	}
	for name, d := range map[string]time.Duration{
		"http read_timeout": c.HTTP.ReadTimeout, "http write_timeout": c.HTTP.WriteTimeout,
		"http idle_timeout": c.HTTP.IdleTimeout, "http exit_wait": c.HTTP.ExitWait, "upload timeout": c.Upload.Timeout, "upload media_timeout": c.Upload.MediaTimeout,
	} {
		if d <= 0 {
			return fmt.Errorf("%s must be positive, got %s", name, d)
		}
	}
	if c.Upload.MaxConcurrent <= 0 || c.Upload.MaxConcurrentPerUser <= 0 || c.RPC.MaxConcurrent <= 0 {
		return errors.New("upload max_concurrent, upload max_concurrent_per_user and rpc max_concurrent must be positive")
	}
	return c.validateInfra()
}

// validateInfra checks the connection settings of the infrastructure.
func (c Config) validateInfra() error {
	switch {
	case c.MySQLMaxOpenConns <= 0:
		return fmt.Errorf("mysql_max_open_conns must be positive, got %d", c.MySQLMaxOpenConns)
	case c.MySQLMaxIdleConns < 0 || c.MySQLMaxIdleConns > c.MySQLMaxOpenConns:
		return fmt.Errorf("mysql_max_idle_conns must be between 0 and mysql_max_open_conns (%d), got %d", c.MySQLMaxOpenConns, c.MySQLMaxIdleConns)
	case c.KafkaPartitions <= 0:
		return fmt.Errorf("kafka_partitions must be positive, got %d", c.KafkaPartitions)
	case c.KafkaReplicationFactor < 0 || c.KafkaMinInsyncReplicas < 0:
		return fmt.Errorf("kafka replication factor and min insync replicas must not be negative")
	case c.KafkaReplicationFactor > 0 && c.KafkaMinInsyncReplicas > c.KafkaReplicationFactor:
		return fmt.Errorf("kafka_min_insync_replicas (%d) above kafka_replication_factor (%d): the relay's acks=all writes could never succeed",
			c.KafkaMinInsyncReplicas, c.KafkaReplicationFactor)
	case c.EtcdLeaseTTL < time.Second:
		return fmt.Errorf("etcd_lease_ttl must be at least 1s, got %s", c.EtcdLeaseTTL)
	case c.DiscoveryRefresh <= 0:
		return fmt.Errorf("discovery_refresh must be positive, got %s", c.DiscoveryRefresh)
	case len(c.EtcdEndpoints) > 0 && c.ShutdownDrain <= c.DiscoveryRefresh:
		return fmt.Errorf("shutdown_drain (%s) must exceed discovery_refresh (%s): clients would still call a stopped server", c.ShutdownDrain, c.DiscoveryRefresh)
	}
	switch c.KafkaSASL.Mechanism {
	case "", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
	default:
		return fmt.Errorf("kafka_sasl mechanism %q: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", c.KafkaSASL.Mechanism)
	}
	return nil
}

// Location is TimeZone loaded (the zone database is built in).
func (c Config) Location() (*time.Location, error) {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", c.TimeZone, err)
	}
	return loc, nil
}

// CounterWait bounds how long an action waits for its counters to be
// applied before it returns anyway. It stays well inside the RPC timeout:
// a wait as long as the timeout would make the caller give up on an action
// that committed (a comment the client then posts again) whenever the
// consumers lag.
func (c Config) CounterWait() time.Duration {
	return min(3*time.Second, c.RPC.Timeout/2)
}

// PublicBase is the URL clients reach the gateway at, without a trailing
// slash: PublicURL when set, else the gateway's own address with an
// unspecified host replaced by this machine's first non-loopback IPv4
// address (so a phone on the same network can fetch media), or 127.0.0.1.
func (c Config) PublicBase() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	host, port, err := net.SplitHostPort(c.HTTPAddr)
	if err != nil {
		return "http://127.0.0.1:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = lanAddress()
	}
	return "http://" + net.JoinHostPort(host, port)
}

func lanAddress() string {
	addrs, err := net.InterfaceAddrs()
	if err == nil {
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && ipn.IP.To4() != nil && ipn.IP.IsPrivate() {
				return ipn.IP.String()
			}
		}
	}
	return "127.0.0.1"
}

// FromFlagOrEnv returns the config file path: the -config flag value when
// given, else DOUYIN_CONFIG.
func FromFlagOrEnv(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	return os.Getenv("DOUYIN_CONFIG")
}
