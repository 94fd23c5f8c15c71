package web

import (
	"sync"
	"time"

	"github.com/ketanmu/ketanmu"
)

// Failed bearer tokens are throttled per address like logins, but in memory: the API is called
// often, and a token check is cheap. An attempt is counted before the token is checked, so that
// simultaneous guesses count each other; a right token takes its count back.
const (
	bearerWindow   = 15 * time.Minute
	maxBearerFails = 20
	// bearerKeys bounds the addresses remembered; beyond it the quiet ones are forgotten.
	bearerKeys = 4096
)

// bearerGuard counts failed bearer tokens per address. Its zero value is ready.
type bearerGuard struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

// reserve counts an attempt from addr at now; ok is false when the address already had
// maxBearerFails failures in the window. done(true) takes the attempt back.
func (g *bearerGuard) reserve(addr string, now time.Time) (done func(success bool), ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.fails == nil {
		g.fails = map[string][]time.Time{}
	}
	if len(g.fails) >= bearerKeys {
		for k, ts := range g.fails {
			if len(recent(ts, now)) == 0 {
				delete(g.fails, k)
			}
		}
	}
	ts := recent(g.fails[addr], now)
	if len(ts) >= maxBearerFails {
		g.fails[addr] = ts
		return func(bool) {}, false
	}
	g.fails[addr] = append(ts, now)
	return func(success bool) {
		if !success {
			return
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		ts := g.fails[addr]
		for i := len(ts) - 1; i >= 0; i-- {
			if ts[i].Equal(now) {
				g.fails[addr] = append(ts[:i:i], ts[i+1:]...)
				break
			}
		}
	}, true
}

func recent(ts []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= bearerWindow {
		i++
	}
	return ts[i:]
}

// SetAPIRoles sets the roles the shared API token acts with (default handoff.api_roles). The
// simulator gives its token "sim" the supervisor's scope that tools outside the project use.
func (s *Server) SetAPIRoles(roles []ketanmu.Role) { s.apiRoles = roles }
