// Package sim is the simulator's HTTP surface: its page (/) and its JSON API (/api/sim/*), the
// contract in DESIGN.md. Only the simulator's wiring (internal/app) mounts it, with the sign-in
// shortcut it gives the workspace (SignIn): `ketanmu serve` has neither.
package sim

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
)

// Clock is the simulator's movable clock.
type Clock interface {
	Now() time.Time
	Advance(time.Duration) time.Time
}

// Deps is what the simulator's surface is given by internal/app.
type Deps struct {
	Cfg *config.Config
	DB  *store.DB
	Log *slog.Logger
	// Inbox is the input path WhatsApp's messages take too.
	Inbox Inbox
	Clock Clock
	// RunDue runs every scheduled job due at now (reminders, outbox retries).
	RunDue func(ctx context.Context, now time.Time) error
	// Settle sends, before the clock jumps, what the outbox would send within seconds anyway.
	Settle func(ctx context.Context) error
}

// Server serves the simulator's page and API.
type Server struct {
	cfg    *config.Config
	db     *store.DB
	log    *slog.Logger
	inbox  Inbox
	clock  Clock
	runDue func(ctx context.Context, now time.Time) error
	settle func(ctx context.Context) error
}

// New returns the simulator's surface; every field of d is required (internal/app, its only
// caller, gives them all).
func New(d Deps) *Server {
	if d.Cfg == nil || d.DB == nil || d.Log == nil || d.Inbox == nil || d.Clock == nil || d.RunDue == nil || d.Settle == nil {
		panic("web/sim: New needs every field of Deps")
	}
	return &Server{cfg: d.Cfg, db: d.DB, log: d.Log, inbox: d.Inbox, clock: d.Clock, runDue: d.RunDue, settle: d.Settle}
}

// Routes adds the page and the API to mux.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.simPage)
	mux.Handle("POST /api/sim/messages", bounded(1, http.HandlerFunc(s.simPost)))
	mux.HandleFunc("GET /api/sim/messages", s.simTranscript)
	mux.HandleFunc("GET /api/sim/media/{id}", s.simMedia)
	mux.HandleFunc("POST /api/sim/clock", s.simClock)
	mux.HandleFunc("GET /api/sim/clock", s.simClockGet)
	mux.HandleFunc("GET /api/sim/accounts", s.simAccounts)
	mux.HandleFunc("GET /api/sim/chats", s.simChats)
}

// Guard wraps the whole server the simulator runs in (it has no login): see guard.go.
func (s *Server) Guard(next http.Handler) http.Handler { return simGuard(next) }

// SignIn is the simulator's sign-in shortcut for the workspace (loopback only, no real data):
// the login page lists the configured operators, and each signs in with the password "sim".
type SignIn struct{}

// Accepts reports whether password opens the workspace for op besides op's own password.
func (SignIn) Accepts(_ ketanmu.Operator, password string) bool { return password == "sim" }
