// Package inprocess runs servers that speak the real Redis, Kafka and S3
// protocols inside the process, on loopback, so the embedded default (and
// cmd/devservers, and tests) use the very clients production uses.
package inprocess

import (
	"fmt"
	"net"

	"github.com/alicebob/miniredis/v2"
	"github.com/twmb/franz-go/pkg/kfake"
)

// Redis is an in-process Redis-protocol server. It keeps data in memory
// only: douyin uses Redis for caches and short-lived marks.
type Redis struct{ srv *miniredis.Miniredis }

// StartRedis listens on a free loopback port.
func StartRedis() (*Redis, error) {
	srv := miniredis.NewMiniRedis()
	if err := srv.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start embedded redis: %w", err)
	}
	return &Redis{srv: srv}, nil
}

// Addr is host:port for go-redis.
func (r *Redis) Addr() string { return r.srv.Addr() }

// Close stops the server.
func (r *Redis) Close() { r.srv.Close() }

// Kafka is an in-process Kafka-protocol broker. With a data dir it
// persists topics and committed group offsets across restarts.
type Kafka struct{ cluster *kfake.Cluster }

// StartKafka listens on a free loopback port; dataDir "" keeps everything in memory.
func StartKafka(dataDir string, topics ...string) (*Kafka, error) {
	return StartKafkaAt("127.0.0.1:0", dataDir, topics...)
}

// StartKafkaAt is StartKafka listening on addr.
func StartKafkaAt(addr, dataDir string, topics ...string) (*Kafka, error) {
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.AllowAutoTopicCreation(),
		kfake.ListenFn(func(network, _ string) (net.Listener, error) {
			return net.Listen(network, addr)
		}),
	}
	if dataDir != "" {
		opts = append(opts, kfake.DataDir(dataDir))
	}
	if len(topics) > 0 {
		opts = append(opts, kfake.SeedTopics(1, topics...))
	}
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("start embedded kafka: %w", err)
	}
	return &Kafka{cluster: cluster}, nil
}

// Brokers are the bootstrap addresses for kafka-go.
func (k *Kafka) Brokers() []string { return k.cluster.ListenAddrs() }

// Close stops the broker, flushing persisted state.
func (k *Kafka) Close() { k.cluster.Close() }

// Stop makes the server unreachable, keeping its data, until Restart.
func (r *Redis) Stop() { r.srv.Close() }

// Restart serves the kept data again, on the same address.
func (r *Redis) Restart() error { return r.srv.Restart() }
