package httpx

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientAddr is the address a request came from: the connection's, or, when that is one of
// trusted (http.trusted_proxies, validated at start-up), the nearest address in
// X-Forwarded-For that is not a trusted proxy (the proxies append on the right, so the left of
// the list is whatever the client wrote).
func ClientAddr(r *http.Request, trusted []string) string {
	peer := remoteHost(r)
	if !trustedProxy(trusted, peer) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		if _, err := netip.ParseAddr(hop); err != nil {
			return peer // a malformed list says nothing we can trust
		}
		if !trustedProxy(trusted, hop) {
			return hop
		}
	}
	return peer
}

// trustedProxy reports whether addr is in trusted.
func trustedProxy(trusted []string, addr string) bool {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, p := range trusted {
		if prefix, err := netip.ParsePrefix(strings.TrimSpace(p)); err == nil && prefix.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
