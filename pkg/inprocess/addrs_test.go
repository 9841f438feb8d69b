package inprocess

import (
	"net"
	"strconv"
	"testing"
)

// The addresses are distinct, below the ephemeral range (so no outgoing
// connection can take one before it is bound) and free to bind.
func TestFreeAddrs(t *testing.T) {
	const n = 50
	addrs, err := FreeAddrs(n)
	if err != nil {
		t.Fatal(err)
	}
	_, ephemeral := listenPortRange()
	seen := map[string]bool{}
	for _, a := range addrs {
		if seen[a] {
			t.Fatalf("%s handed out twice", a)
		}
		seen[a] = true
		_, port, err := net.SplitHostPort(a)
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := strconv.Atoi(port); p >= ephemeral || p < 1024 {
			t.Fatalf("%s: port outside [1024, %d)", a, ephemeral)
		}
		l, err := net.Listen("tcp", a)
		if err != nil {
			t.Fatalf("%s is not free: %v", a, err)
		}
		defer l.Close()
	}
	if len(addrs) != n {
		t.Fatalf("%d addresses, want %d", len(addrs), n)
	}
}
