// Package web composes ketanmu's HTTP server: health, /metrics, the cases API and the
// operators' workspace (/ops/), and the simulator's surface (web/sim) when the wiring gives it.
package web

import (
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/metrics"
	"github.com/ketanmu/ketanmu/store"
	"github.com/ketanmu/ketanmu/web/httpx"
)

// Transport is what the server asks of the transport: each account's connection.
type Transport interface {
	State(account string) ketanmu.ConnState
}

// Surface is a further HTTP surface mounted beside the others: the simulator's (web/sim), which
// only the simulator's wiring gives.
type Surface interface {
	// Routes adds the surface's routes.
	Routes(mux *http.ServeMux)
	// Guard wraps the whole server the surface is mounted in.
	Guard(next http.Handler) http.Handler
}

// SignInAid is another way into the workspace than an operator's own password, which a wiring
// may give: the simulator's (every operator signs in with "sim"; web/sim.SignIn). Under
// `ketanmu serve` there is none. The login page then lists the operators' names.
type SignInAid interface {
	Accepts(op ketanmu.Operator, password string) bool
}

// Deps is everything the server is given; internal/app builds it.
type Deps struct {
	Cfg       *config.Config
	DB        *store.DB
	Cases     *casework.Service
	Transport Transport
	Log       *slog.Logger
	// Now is the service's clock (the simulator's movable one); nil: time.Now.
	Now func() time.Time
	// Metrics is served at GET /metrics to loopback clients, unless http.metrics_addr gives the
	// metrics a listener of their own; nil: not served here.
	Metrics http.Handler
	// APIToken is the cases API's shared bearer token (the configured system actor); "": only
	// operators' personal tokens.
	APIToken string
	// APIRoles are the shared token's roles; nil: handoff.api_roles.
	APIRoles []ketanmu.Role
	// Linker links WhatsApp numbers from the workspace; nil: nothing to link (the simulator).
	Linker Linker
	// Sim is the simulator's surface (web/sim); nil under `ketanmu serve`.
	Sim Surface
	// SignIn is the simulator's sign-in shortcut; nil under `ketanmu serve`.
	SignIn SignInAid
}

// Server is the HTTP server's handler set.
type Server struct {
	cfg *config.Config
	db  *store.DB
	cs  *casework.Service
	tr  Transport
	log *slog.Logger
	now func() time.Time
	// sim is the simulator's surface, signIn its sign-in shortcut (Deps); nil under serve.
	sim    Surface
	signIn SignInAid
	// apiToken is the cases API's shared bearer token; empty: personal tokens only.
	apiToken string
	// linker links WhatsApp numbers from the workspace; nil in the simulator.
	linker  Linker
	opsOnce sync.Once
	opsSt   *opsState
	// metrics serves /metrics (Deps.Metrics).
	metrics http.Handler
	// passwordChecks counts bcrypt comparisons (PasswordChecks).
	passwordChecks atomic.Int64
	// apiRoles are the shared token's roles; nil: handoff.api_roles.
	apiRoles []ketanmu.Role
	// bearer throttles failed bearer tokens per address.
	bearer bearerGuard
}

func (s *Server) cases() *casework.Service { return s.cs }

// New returns a server over what d gives.
func New(d Deps) *Server {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	return &Server{cfg: d.Cfg, db: d.DB, cs: d.Cases, tr: d.Transport, log: d.Log, now: now, sim: d.Sim,
		signIn: d.SignIn, apiToken: d.APIToken, apiRoles: d.APIRoles, linker: d.Linker, metrics: d.Metrics}
}

// Handler returns the routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.HealthHandler())
	mux.HandleFunc("GET /favicon.ico", serveFavicon)
	mux.HandleFunc("GET /api/accounts", s.AccountsHandler())
	if s.metrics != nil && s.cfg.HTTP.MetricsAddr == "" {
		mux.Handle("GET /metrics", metrics.LoopbackOnly(s.metrics))
	}
	if s.sim != nil {
		s.sim.Routes(mux)
	}
	mux.HandleFunc("GET /api/cases", s.authed(s.casesList))
	mux.HandleFunc("GET /api/cases/counts", s.authed(s.casesCounts))
	mux.HandleFunc("POST /api/cases/{number}/actions", s.authed(s.caseAction))
	mux.HandleFunc("GET /api/cases/{number}", s.authed(s.caseGet))
	mux.HandleFunc("GET /api/cases/{number}/documents/{id}", s.authed(s.caseDocument))
	mux.HandleFunc("POST /api/cases/{number}/transition", s.authed(s.caseTransition))
	mux.HandleFunc("POST /api/cases/{number}/reply", s.authed(s.caseReply))
	mux.HandleFunc("POST /api/cases/{number}/output", s.authed(s.caseOutput))
	mux.HandleFunc("GET /api/reports/sla", s.authed(s.slaReport))
	mux.HandleFunc("GET /api/reports/skm", s.authed(s.skmReport))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		httpx.Error(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	s.opsRoutes(mux)
	var h http.Handler = mux
	if s.sim != nil {
		h = s.sim.Guard(h)
	}
	return handler{Handler: httpx.SecureHeaders(s.privateHeaders(httpx.Recover(s.log, h))), s: s}
}

// handler is the server's handler; CloseStreams ends its long-lived responses (live updates) so
// that an http.Server's Shutdown need not wait for them.
type handler struct {
	http.Handler
	s *Server
}

// CloseStreams ends the workspace's live-update streams.
func (h handler) CloseStreams() { h.s.CloseStreams() }
