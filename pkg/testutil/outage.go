package testutil

import (
	"testing"

	"github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Outage is a TCP proxy (toxiproxy) in front of a server, which a test
// takes down and brings back: while down, open connections are cut and new
// ones refused, as when the server's host goes away.
type Outage struct {
	// Addr is where clients connect instead of the server.
	Addr  string
	proxy *toxiproxy.Proxy
}

// NewOutage proxies to upstream from a free loopback port, up until Down.
func NewOutage(tb testing.TB, name, upstream string) *Outage {
	tb.Helper()
	server := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	proxy := toxiproxy.NewProxy(server, name, "127.0.0.1:0", upstream)
	if err := proxy.Start(); err != nil {
		tb.Fatalf("proxy for %s: %v", name, err)
	}
	tb.Cleanup(proxy.Stop)
	return &Outage{Addr: proxy.Listen, proxy: proxy}
}

// Down cuts every connection and refuses new ones.
func (o *Outage) Down() { o.proxy.Stop() }

// Up accepts connections again, on the same address.
func (o *Outage) Up(tb testing.TB) {
	tb.Helper()
	if err := o.proxy.Start(); err != nil {
		tb.Fatalf("proxy back up: %v", err)
	}
}
