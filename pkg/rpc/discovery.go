package rpc

import (
	"fmt"
	"sync"

	"github.com/cloudwego/kitex/pkg/discovery"
	"github.com/cloudwego/kitex/pkg/registry"
	etcd "github.com/kitex-contrib/registry-etcd"
)

// Discovery connects to etcd for registering servers and resolving
// clients. Registrations live on a lease (KITEX_ETCD_REGISTRY_LEASE_TTL
// seconds, default 60) and are removed at once on graceful shutdown.
func Discovery(endpoints []string) (registry.Registry, discovery.Resolver, error) {
	reg, err := etcd.NewEtcdRegistry(endpoints)
	if err != nil {
		return nil, nil, fmt.Errorf("etcd registry: %w", err)
	}
	reg = &onceRegistered{Registry: reg}
	res, err := etcd.NewEtcdResolver(endpoints)
	if err != nil {
		return nil, nil, fmt.Errorf("etcd resolver: %w", err)
	}
	return reg, res, nil
}

// onceRegistered deregisters only what was registered: Kitex registers a
// server about a second after it starts listening, and registry-etcd
// panics when asked to deregister before that (a stop right after start).
type onceRegistered struct {
	registry.Registry
	mu         sync.Mutex
	registered bool
}

func (r *onceRegistered) Register(info *registry.Info) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.Registry.Register(info); err != nil {
		return err
	}
	r.registered = true
	return nil
}

func (r *onceRegistered) Deregister(info *registry.Info) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.registered {
		return nil
	}
	r.registered = false
	return r.Registry.Deregister(info)
}
