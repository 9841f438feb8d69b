package inprocess

import "net"

// FreeAddrs returns n distinct free loopback addresses, for the servers of
// a system run on one machine: every listener stays open until all are
// picked, so no port is handed out twice.
func FreeAddrs(n int) ([]string, error) {
	addrs := make([]string, n)
	for i := range addrs {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		addrs[i] = l.Addr().String()
	}
	return addrs, nil
}
