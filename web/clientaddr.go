package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddr is the address a request came from: the connection's, or, when that is one of
// http.trusted_proxies, the nearest address in X-Forwarded-For that is not a trusted proxy
// (the proxies append on the right, so the left of the list is whatever the client wrote).
func (s *Server) clientAddr(r *http.Request) string {
	peer := remoteHost(r)
	if !s.trustedProxy(peer) {
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
		if !s.trustedProxy(hop) {
			return hop
		}
	}
	return peer
}

// trustedProxy reports whether addr is in http.trusted_proxies (validated at start-up).
func (s *Server) trustedProxy(addr string) bool {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, p := range s.cfg.HTTP.TrustedProxies {
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
