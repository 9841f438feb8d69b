package cache_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/douyin-go/douyin/pkg/cache"
)

// TestTLSAndACLUser: the client speaks TLS and authenticates as a Redis 6
// ACL user; a wrong password is refused.
func TestTLSAndACLUser(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "redis"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := miniredis.RunTLS(&tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.RequireUserAuth("douyin", "s3cret")
	cert, _ := x509.ParseCertificate(der)
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	clientTLS := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}

	ctx := context.Background()
	c := cache.Open(cache.Options{Addr: srv.Addr(), Username: "douyin", Password: "s3cret", TLS: clientTLS, Prefix: "t:"})
	defer c.Close()
	if err := c.RDB.Ping(ctx).Err(); err != nil {
		t.Fatalf("TLS + ACL user: %v", err)
	}
	bad := cache.Open(cache.Options{Addr: srv.Addr(), Username: "douyin", Password: "wrong", TLS: clientTLS})
	defer bad.Close()
	if err := bad.RDB.Ping(ctx).Err(); err == nil {
		t.Fatal("a wrong password was accepted")
	}
	plain := cache.Open(cache.Options{Addr: srv.Addr(), Username: "douyin", Password: "s3cret"})
	defer plain.Close()
	if err := plain.RDB.Ping(ctx).Err(); err == nil {
		t.Fatal("plain TCP reached a TLS-only server")
	}
}

// A cache fails fast while Redis refuses connections: one dial per
// attempt, not go-redis's five 100 ms apart (1.7 s per read), so callers
// fall back to the database within their RPC deadline.
func TestDialsOncePerAttempt(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:1", "127.0.0.1:1,127.0.0.1:2"} {
		c := cache.Open(cache.Options{Addr: addr, Untraced: true})
		var retries int
		switch rdb := c.RDB.(type) {
		case *redis.Client:
			retries = rdb.Options().DialerRetries
		case *redis.ClusterClient:
			retries = rdb.Options().DialerRetries
		default:
			t.Fatalf("%s: client %T", addr, c.RDB)
		}
		_ = c.Close()
		if retries != 1 {
			t.Errorf("%s: DialerRetries %d, want 1", addr, retries)
		}
	}
}
