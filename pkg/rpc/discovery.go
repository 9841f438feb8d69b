package rpc

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/cloudwego/kitex/pkg/discovery"
	"github.com/cloudwego/kitex/pkg/registry"
	etcd "github.com/kitex-contrib/registry-etcd"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Etcd is how douyin reaches etcd.
type Etcd struct {
	Endpoints          []string
	Username, Password string
	TLS                *tls.Config
	// LeaseTTL is how long a registration outlives a process that died
	// without deregistering.
	LeaseTTL time.Duration
}

func (e Etcd) clientConfig() clientv3.Config {
	return clientv3.Config{
		Endpoints: e.Endpoints, Username: e.Username, Password: e.Password, TLS: e.TLS,
		DialTimeout: 5 * time.Second, DialKeepAliveTime: 10 * time.Second, DialKeepAliveTimeout: 5 * time.Second,
	}
}

// registryPrefix is registry-etcd's key prefix, so its resolver finds what
// Registry writes.
const registryPrefix = "kitex/registry-etcd"

// Discovery connects to etcd for registering servers and resolving
// clients. Neither needs etcd to be up: the registry retries until it is,
// and the resolver's clients keep their last instance lists meanwhile.
func Discovery(e Etcd, log *slog.Logger) (*Registry, discovery.Resolver, error) {
	cli, err := clientv3.New(e.clientConfig())
	if err != nil {
		return nil, nil, fmt.Errorf("etcd client: %w", err)
	}
	res, err := etcd.NewEtcdResolver(e.Endpoints, func(c *etcd.Config) { *c.EtcdConfig = e.clientConfig() })
	if err != nil {
		_ = cli.Close()
		return nil, nil, fmt.Errorf("etcd resolver: %w", err)
	}
	return NewRegistry(cli, e.LeaseTTL, log), res, nil
}

// Registry registers servers in etcd on a lease, under the keys
// registry-etcd's resolver reads, and keeps them registered for as long as
// the server runs: when etcd is unreachable or the lease is lost (etcd
// restarted without its data, a long partition), it registers again with
// backoff, for ever. (registry-etcd's own registry gives up after five
// failed attempts, silently dropping the server from discovery.)
type Registry struct {
	cli *clientv3.Client
	ttl time.Duration
	log *slog.Logger

	mu   sync.Mutex
	regs map[string]*registration
}

// NewRegistry registers through cli with leases of ttl.
func NewRegistry(cli *clientv3.Client, ttl time.Duration, log *slog.Logger) *Registry {
	return &Registry{cli: cli, ttl: max(ttl, time.Second), log: log, regs: map[string]*registration{}}
}

// registration is one server's entry and the loop that keeps it.
type registration struct {
	key, value string
	cancel     context.CancelFunc
	done       chan struct{}

	mu      sync.Mutex
	lease   clientv3.LeaseID
	current bool
	lastErr error
}

// Register starts keeping info registered and returns at once.
func (r *Registry) Register(info *registry.Info) error {
	key, value, err := entry(info)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.regs[key]; ok {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	reg := &registration{key: key, value: value, cancel: cancel, done: make(chan struct{}), lastErr: errors.New("not registered yet")}
	r.regs[key] = reg
	go r.keep(ctx, reg)
	return nil
}

// Deregister stops keeping info registered and removes it from etcd.
func (r *Registry) Deregister(info *registry.Info) error {
	key, _, err := entry(info)
	if err != nil {
		return err
	}
	r.mu.Lock()
	reg, ok := r.regs[key]
	delete(r.regs, key)
	r.mu.Unlock()
	if !ok {
		return nil
	}
	reg.cancel()
	<-reg.done
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	reg.mu.Lock()
	lease := reg.lease
	reg.mu.Unlock()
	if lease != clientv3.NoLease {
		_, _ = r.cli.Revoke(ctx, lease) // deletes the key with it
	}
	_, err = r.cli.Delete(ctx, key)
	return err
}

// Registered reports nil while info is registered, else why not.
func (r *Registry) Registered(info *registry.Info) error {
	key, _, err := entry(info)
	if err != nil {
		return err
	}
	r.mu.Lock()
	reg, ok := r.regs[key]
	r.mu.Unlock()
	if !ok {
		return errors.New("not registered")
	}
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if reg.current {
		return nil
	}
	return fmt.Errorf("not registered in etcd: %w", reg.lastErr)
}

// Close releases the etcd client.
func (r *Registry) Close() error { return r.cli.Close() }

// keep registers reg and keeps its lease alive; whenever that fails or the
// lease is lost, it starts over after a backoff, until ctx ends.
func (r *Registry) keep(ctx context.Context, reg *registration) {
	defer close(reg.done)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		alive, err := r.register(ctx, reg)
		if err == nil {
			backoff = 100 * time.Millisecond
			r.log.Info("registered in etcd", "key", reg.key)
			for range alive { // until the lease is lost or ctx ends
			}
			err = errors.New("lease lost")
		}
		reg.mu.Lock()
		reg.current, reg.lastErr = false, err
		reg.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
		r.log.Warn("etcd registration lost; registering again", "key", reg.key, "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// register puts reg under a fresh lease and keeps that lease alive.
func (r *Registry) register(ctx context.Context, reg *registration) (<-chan *clientv3.LeaseKeepAliveResponse, error) {
	rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	lease, err := r.cli.Grant(rctx, int64(r.ttl/time.Second))
	if err != nil {
		return nil, fmt.Errorf("grant lease: %w", err)
	}
	if _, err := r.cli.Put(rctx, reg.key, reg.value, clientv3.WithLease(lease.ID)); err != nil {
		return nil, fmt.Errorf("put %s: %w", reg.key, err)
	}
	alive, err := r.cli.KeepAlive(ctx, lease.ID)
	if err != nil {
		return nil, fmt.Errorf("keep lease alive: %w", err)
	}
	reg.mu.Lock()
	reg.lease, reg.current, reg.lastErr = lease.ID, true, nil
	reg.mu.Unlock()
	return alive, nil
}

// instance is registry-etcd's value format.
type instance struct {
	Network string            `json:"network"`
	Address string            `json:"address"`
	Weight  int               `json:"weight"`
	Tags    map[string]string `json:"tags"`
}

// entry is info's key and value as registry-etcd's resolver reads them.
func entry(info *registry.Info) (key, value string, err error) {
	if info == nil || info.ServiceName == "" || info.Addr == nil {
		return "", "", errors.New("registry info needs a service name and an address")
	}
	host, port, err := net.SplitHostPort(info.Addr.String())
	if err != nil {
		return "", "", err
	}
	if _, err := strconv.Atoi(port); err != nil || host == "" || net.ParseIP(host).IsUnspecified() {
		return "", "", fmt.Errorf("registry address %s must name a reachable host and port", info.Addr)
	}
	raw, err := json.Marshal(instance{Network: info.Addr.Network(), Address: info.Addr.String(), Weight: info.Weight, Tags: info.Tags})
	if err != nil {
		return "", "", err
	}
	return registryPrefix + "/" + info.ServiceName + "/" + info.Addr.String(), string(raw), nil
}
