package inprocess

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
)

// FreeAddrs returns n distinct free loopback addresses, for the servers of
// a system run on one machine: every listener stays open until all are
// picked, so no port is handed out twice.
//
// The ports are below the kernel's ephemeral range. A port the kernel
// hands out for "127.0.0.1:0" is also what it hands out as the local end
// of outgoing connections, so between picking one and binding it another
// process's connection to MySQL or Redis could take it (a test failed
// with "address already in use" that way); below the range nothing takes
// a port but a listener.
func FreeAddrs(n int) ([]string, error) {
	low, high := listenPortRange()
	addrs := make([]string, 0, n)
	for tries := 0; len(addrs) < n; tries++ {
		if tries > 100*n {
			return nil, errors.New("no free port below the ephemeral range")
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", low+rand.IntN(high-low)))
		if err != nil {
			continue // taken: try another
		}
		defer l.Close()
		addrs = append(addrs, l.Addr().String())
	}
	return addrs, nil
}

// listenPortRange is the ports FreeAddrs picks from: from 20000 to the
// start of the ephemeral range (Linux's 32768 unless configured).
func listenPortRange() (low, high int) {
	low, high = 20000, 32768
	if raw, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		var first, last int
		if _, err := fmt.Sscan(string(raw), &first, &last); err == nil && first > low+1000 {
			high = first
		}
	}
	return low, high
}
