package rpc

import (
	"fmt"

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
	res, err := etcd.NewEtcdResolver(endpoints)
	if err != nil {
		return nil, nil, fmt.Errorf("etcd resolver: %w", err)
	}
	return reg, res, nil
}
