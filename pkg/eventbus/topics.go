package eventbus

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// Kafka is how douyin reaches a Kafka cluster: brokers, and optionally TLS
// and SASL for every connection (writers, readers, admin requests).
type Kafka struct {
	Brokers []string
	TLS     *tls.Config
	SASL    sasl.Mechanism
}

// Brokers is a plain-text, unauthenticated Kafka at addrs.
func Brokers(addrs ...string) Kafka { return Kafka{Brokers: addrs} }

// SASL builds the mechanism named PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
// ("" means none).
func SASL(mechanism, username, password string) (sasl.Mechanism, error) {
	switch mechanism {
	case "":
		return nil, nil
	case "PLAIN":
		return plain.Mechanism{Username: username, Password: password}, nil
	case "SCRAM-SHA-256":
		return scram.Mechanism(scram.SHA256, username, password)
	case "SCRAM-SHA-512":
		return scram.Mechanism(scram.SHA512, username, password)
	}
	return nil, fmt.Errorf("kafka sasl mechanism %q: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", mechanism)
}

func (k Kafka) dialer() *kafka.Dialer {
	return &kafka.Dialer{Timeout: 10 * time.Second, DualStack: true, TLS: k.TLS, SASLMechanism: k.SASL}
}

func (k Kafka) transport() *kafka.Transport {
	return &kafka.Transport{TLS: k.TLS, SASL: k.SASL, DialTimeout: 5 * time.Second}
}

func (k Kafka) client() *kafka.Client {
	return &kafka.Client{Addr: kafka.TCP(k.Brokers...), Transport: k.transport(), Timeout: 10 * time.Second}
}

// TopicSpec is how douyin creates its topics. Zero ReplicationFactor means
// the cluster's default.replication.factor (capped at its broker count);
// zero MinInsyncReplicas keeps the cluster's min.insync.replicas, lowered
// to the replication factor when it is higher (the relay writes with
// acks=all, which could otherwise never succeed).
type TopicSpec struct {
	Partitions        int
	ReplicationFactor int
	MinInsyncReplicas int
}

// Plan is what EnsureTopics settled on.
type Plan struct {
	Brokers           int
	ReplicationFactor int
	MinInsyncReplicas int // 0: the cluster's own, which the RF satisfies
	Created           []string
}

// EnsureTopics creates topics that do not exist yet and checks those that
// do: a topic with fewer replicas than its writes need in sync refuses
// every acks=all write, so that is an error. kafka-go's CreateTopics
// cannot ask for the broker's default replication factor, so it is read
// from the cluster (DescribeConfigs) and sent explicitly.
func EnsureTopics(ctx context.Context, k Kafka, spec TopicSpec, topics ...string) (Plan, error) {
	if len(k.Brokers) == 0 {
		return Plan{}, errors.New("no kafka brokers configured")
	}
	c := k.client()
	meta, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: topics})
	if err != nil {
		return Plan{}, fmt.Errorf("kafka metadata: %w", err)
	}
	defaults := brokerDefaults(ctx, c, meta.Controller)
	plan, err := planTopics(spec, len(meta.Brokers), defaults)
	if err != nil {
		return plan, err
	}
	var missing []kafka.TopicConfig
	var existing []string
	for _, t := range meta.Topics {
		switch {
		case errors.Is(t.Error, kafka.UnknownTopicOrPartition) || (t.Error == nil && len(t.Partitions) == 0):
			missing = append(missing, plan.topicConfig(t.Name, spec.Partitions))
		case t.Error != nil:
			return plan, fmt.Errorf("kafka topic %s: %w", t.Name, t.Error)
		default:
			existing = append(existing, t.Name)
		}
	}
	if err := checkExisting(ctx, c, meta, existing); err != nil {
		return plan, err
	}
	if len(missing) == 0 {
		return plan, nil
	}
	res, err := c.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: missing})
	if err != nil {
		return plan, fmt.Errorf("create kafka topics: %w", err)
	}
	for name, err := range res.Errors {
		if err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
			return plan, fmt.Errorf("create kafka topic %s: %w", name, err)
		}
		plan.Created = append(plan.Created, name)
	}
	return plan, nil
}

// checkExisting refuses topics with fewer replicas than their effective
// min.insync.replicas: every acks=all write to them fails.
func checkExisting(ctx context.Context, c *kafka.Client, meta *kafka.MetadataResponse, topics []string) error {
	if len(topics) == 0 {
		return nil
	}
	req := &kafka.DescribeConfigsRequest{Addr: brokerAddr(meta.Controller)}
	for _, name := range topics {
		req.Resources = append(req.Resources, kafka.DescribeConfigRequestResource{
			ResourceType: kafka.ResourceTypeTopic, ResourceName: name, ConfigNames: []string{"min.insync.replicas"},
		})
	}
	res, err := c.DescribeConfigs(ctx, req)
	if err != nil {
		return nil // cannot tell; the relay's errors will
	}
	replicas := map[string]int{}
	for _, t := range meta.Topics {
		if len(t.Partitions) > 0 {
			replicas[t.Name] = len(t.Partitions[0].Replicas)
		}
	}
	for _, r := range res.Resources {
		for _, e := range r.ConfigEntries {
			if n, _ := strconv.Atoi(e.ConfigValue); e.ConfigName == "min.insync.replicas" && replicas[r.ResourceName] < n {
				return fmt.Errorf("kafka topic %s has %d replicas, fewer than its min.insync.replicas %d: acks=all writes would all fail",
					r.ResourceName, replicas[r.ResourceName], n)
			}
		}
	}
	return nil
}

func brokerAddr(b kafka.Broker) net.Addr {
	return kafka.TCP(net.JoinHostPort(b.Host, strconv.Itoa(b.Port)))
}

// clusterDefaults are the broker settings topics inherit.
type clusterDefaults struct {
	replicationFactor int // 0: unknown
	minISR            int // 0: unknown
}

// brokerDefaults reads default.replication.factor and min.insync.replicas
// from the controller; what cannot be read stays 0.
func brokerDefaults(ctx context.Context, c *kafka.Client, controller kafka.Broker) clusterDefaults {
	res, err := c.DescribeConfigs(ctx, &kafka.DescribeConfigsRequest{
		Addr: brokerAddr(controller),
		Resources: []kafka.DescribeConfigRequestResource{{
			ResourceType: kafka.ResourceTypeBroker, ResourceName: strconv.Itoa(controller.ID),
			ConfigNames: []string{"default.replication.factor", "min.insync.replicas"},
		}},
	})
	var d clusterDefaults
	if err != nil || len(res.Resources) == 0 || res.Resources[0].Error != nil {
		return d
	}
	for _, e := range res.Resources[0].ConfigEntries {
		n, _ := strconv.Atoi(e.ConfigValue)
		switch e.ConfigName {
		case "default.replication.factor":
			d.replicationFactor = n
		case "min.insync.replicas":
			d.minISR = n
		}
	}
	return d
}

// planTopics settles the replication of new topics on a cluster of
// brokers with defaults.
func planTopics(spec TopicSpec, brokers int, defaults clusterDefaults) (Plan, error) {
	p := Plan{Brokers: brokers, ReplicationFactor: spec.ReplicationFactor, MinInsyncReplicas: spec.MinInsyncReplicas}
	if p.ReplicationFactor == 0 {
		p.ReplicationFactor = defaults.replicationFactor
		if p.ReplicationFactor <= 0 {
			p.ReplicationFactor = 3 // Kafka's own default when the cluster does not say
		}
		p.ReplicationFactor = min(p.ReplicationFactor, max(brokers, 1))
	}
	if p.ReplicationFactor > brokers {
		return p, fmt.Errorf("kafka replication factor %d but the cluster has %d brokers", p.ReplicationFactor, brokers)
	}
	if p.MinInsyncReplicas > p.ReplicationFactor {
		return p, fmt.Errorf("kafka min.insync.replicas %d above the replication factor %d: acks=all writes would all fail", p.MinInsyncReplicas, p.ReplicationFactor)
	}
	if p.MinInsyncReplicas == 0 && defaults.minISR > p.ReplicationFactor {
		p.MinInsyncReplicas = p.ReplicationFactor
	}
	return p, nil
}

func (p Plan) topicConfig(name string, partitions int) kafka.TopicConfig {
	tc := kafka.TopicConfig{Topic: name, NumPartitions: partitions, ReplicationFactor: p.ReplicationFactor}
	if p.MinInsyncReplicas > 0 {
		tc.ConfigEntries = []kafka.ConfigEntry{{ConfigName: "min.insync.replicas", ConfigValue: strconv.Itoa(p.MinInsyncReplicas)}}
	}
	return tc
}

// Ping reports whether any broker accepts a connection and answers.
func Ping(ctx context.Context, k Kafka) error {
	d := k.dialer()
	last := errors.New("no kafka brokers configured")
	for _, b := range k.Brokers {
		conn, err := d.DialContext(ctx, "tcp", b)
		if err != nil {
			last = err
			continue
		}
		_, err = conn.Brokers()
		_ = conn.Close()
		if err == nil {
			return nil
		}
		last = err
	}
	return last
}

// Topics ensures a process's topics in the background, retrying for as
// long as Kafka is unreachable: a service starts and takes writes without
// Kafka (events wait in the outbox); relays and consumers wait for Ready.
type Topics struct {
	ready chan struct{}
	mu    sync.Mutex
	err   error
	plan  Plan
}

// EnsureInBackground starts ensuring topics until it succeeds or ctx ends.
func EnsureInBackground(ctx context.Context, k Kafka, spec TopicSpec, log *slog.Logger, topics ...string) *Topics {
	t := &Topics{ready: make(chan struct{}), err: errors.New("topics not ensured yet")}
	go func() {
		backoff := 200 * time.Millisecond
		for {
			actx, cancel := context.WithTimeout(ctx, 15*time.Second)
			plan, err := EnsureTopics(actx, k, spec, topics...)
			cancel()
			t.mu.Lock()
			t.err, t.plan = err, plan
			t.mu.Unlock()
			if err == nil {
				log.Info("kafka topics ready", "brokers", plan.Brokers, "replication_factor", plan.ReplicationFactor,
					"min_insync_replicas", plan.MinInsyncReplicas, "created", plan.Created)
				close(t.ready)
				return
			}
			if ctx.Err() != nil {
				return
			}
			log.Warn("kafka topics not ready; events wait in the outbox", "err", err, "retry_in", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 10*time.Second)
		}
	}()
	return t
}

// Ready is closed once the topics exist.
func (t *Topics) Ready() <-chan struct{} { return t.ready }

// Err is why the topics are not ready yet (nil once they are).
func (t *Topics) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// Wait blocks until the topics are ready or ctx ends.
func (t *Topics) Wait(ctx context.Context) error {
	select {
	case <-t.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
