package eventbus_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/douyin-go/douyin/pkg/eventbus"
)

// cluster starts an in-process Kafka-protocol cluster with opts.
func cluster(t *testing.T, opts ...kfake.Opt) []string {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.ListenFn(func(network, _ string) (net.Listener, error) {
		return net.Listen(network, "127.0.0.1:0")
	})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

// replicas reads how many replicas topic's first partition has.
func replicas(t *testing.T, k eventbus.Kafka, topic string) int {
	t.Helper()
	conn, err := kafkaDialer(k).DialContext(context.Background(), "tcp", k.Brokers[0])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	parts, err := conn.ReadPartitions(topic)
	if err != nil || len(parts) == 0 {
		t.Fatalf("partitions of %s: %v", topic, err)
	}
	return len(parts[0].Replicas)
}

func kafkaDialer(k eventbus.Kafka) *kafka.Dialer {
	return &kafka.Dialer{Timeout: 5 * time.Second, TLS: k.TLS, SASLMechanism: k.SASL}
}

// publish writes one event the way the relay does (acks=all).
func publish(t *testing.T, k eventbus.Kafka, topic string) error {
	t.Helper()
	w := eventbus.NewWriter(k)
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return w.WriteMessages(ctx, kafka.Message{Topic: topic, Key: []byte("k"), Value: []byte("v")})
}

func TestEnsureTopicsFollowsTheCluster(t *testing.T) {
	tests := []struct {
		name     string
		opts     []kfake.Opt
		spec     eventbus.TopicSpec
		wantRF   int
		wantISR  int
		wantFail string
	}{
		{
			name:   "three brokers: the cluster's default replication",
			opts:   []kfake.Opt{kfake.NumBrokers(3), kfake.BrokerConfigs(map[string]string{"default.replication.factor": "3", "min.insync.replicas": "2"})},
			spec:   eventbus.TopicSpec{Partitions: 3},
			wantRF: 3,
		},
		{
			name:    "one broker whose min.insync.replicas no topic could meet",
			opts:    []kfake.Opt{kfake.NumBrokers(1), kfake.BrokerConfigs(map[string]string{"min.insync.replicas": "2"})},
			spec:    eventbus.TopicSpec{Partitions: 3},
			wantRF:  1,
			wantISR: 1,
		},
		{
			name:    "explicit settings",
			opts:    []kfake.Opt{kfake.NumBrokers(3)},
			spec:    eventbus.TopicSpec{Partitions: 2, ReplicationFactor: 2, MinInsyncReplicas: 2},
			wantRF:  2,
			wantISR: 2,
		},
		{
			name:     "more replicas than brokers",
			opts:     []kfake.Opt{kfake.NumBrokers(1)},
			spec:     eventbus.TopicSpec{Partitions: 1, ReplicationFactor: 3},
			wantFail: "3 but the cluster has 1 brokers",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := eventbus.Brokers(cluster(t, tt.opts...)...)
			plan, err := eventbus.EnsureTopics(context.Background(), k, tt.spec, "douyin.test")
			if tt.wantFail != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantFail) {
					t.Fatalf("err = %v, want %q", err, tt.wantFail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if plan.ReplicationFactor != tt.wantRF || plan.MinInsyncReplicas != tt.wantISR {
				t.Fatalf("plan %+v, want RF %d and min ISR %d", plan, tt.wantRF, tt.wantISR)
			}
			if got := replicas(t, k, "douyin.test"); got != tt.wantRF {
				t.Fatalf("topic created with %d replicas, want %d", got, tt.wantRF)
			}
			if err := publish(t, k, "douyin.test"); err != nil {
				t.Fatalf("acks=all write to the new topic: %v", err)
			}
			// A second run finds the topic and leaves it.
			if plan, err := eventbus.EnsureTopics(context.Background(), k, tt.spec, "douyin.test"); err != nil || len(plan.Created) != 0 {
				t.Fatalf("second run: %+v %v", plan, err)
			}
		})
	}
}

func TestEnsureTopicsRefusesTopicsThatCannotTakeWrites(t *testing.T) {
	// A topic made before douyin (one replica) on a cluster that wants two in sync.
	k := eventbus.Brokers(cluster(t, kfake.NumBrokers(1), kfake.SeedTopics(1, "douyin.thin"),
		kfake.BrokerConfigs(map[string]string{"min.insync.replicas": "2"}))...)
	_, err := eventbus.EnsureTopics(context.Background(), k, eventbus.TopicSpec{Partitions: 1}, "douyin.thin")
	if err == nil || !strings.Contains(err.Error(), "fewer than its min.insync.replicas") {
		t.Fatalf("err = %v, want the thin topic refused", err)
	}
}

// selfSigned is a TLS server config for 127.0.0.1 and a client config
// trusting it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kafka"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// TestTLSAndSASL: topics, the relay's writer and the consumers' reader all
// speak TLS and authenticate with SCRAM; wrong credentials are refused.
func TestTLSAndSASL(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	addrs := cluster(t, kfake.NumBrokers(1), kfake.TLS(serverTLS), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "douyin", "s3cret"))
	mech, err := eventbus.SASL("SCRAM-SHA-512", "douyin", "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	k := eventbus.Kafka{Brokers: addrs, TLS: clientTLS, SASL: mech}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := eventbus.EnsureTopics(ctx, k, eventbus.TopicSpec{Partitions: 1}, "douyin.secure"); err != nil {
		t.Fatalf("ensure topics over TLS+SCRAM: %v", err)
	}
	if err := eventbus.Ping(ctx, k); err != nil {
		t.Fatalf("ping over TLS+SCRAM: %v", err)
	}
	if err := publish(t, k, "douyin.secure"); err != nil {
		t.Fatalf("write over TLS+SCRAM: %v", err)
	}
	r := eventbus.NewReader(k, "douyin-secure-test", []string{"douyin.secure"})
	defer r.Close()
	if msg, err := r.FetchMessage(ctx); err != nil || string(msg.Value) != "v" {
		t.Fatalf("read over TLS+SCRAM: %q %v", msg.Value, err)
	}

	wrong, _ := eventbus.SASL("SCRAM-SHA-512", "douyin", "wrong")
	bad := eventbus.Kafka{Brokers: addrs, TLS: clientTLS, SASL: wrong}
	pctx, pcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer pcancel()
	if err := eventbus.Ping(pctx, bad); err == nil {
		t.Fatal("a wrong password was accepted")
	}
}

func TestSASLMechanisms(t *testing.T) {
	for _, m := range []string{"", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		if _, err := eventbus.SASL(m, "u", "p"); err != nil {
			t.Errorf("%q: %v", m, err)
		}
	}
	if _, err := eventbus.SASL("GSSAPI", "u", "p"); err == nil {
		t.Error("an unsupported mechanism was accepted")
	}
}
