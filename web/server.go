// Package web composes ketanmu's HTTP server: health, /metrics, the cases API and the
// operators' workspace (/ops/), and the simulator's surface (web/sim) when the wiring gives it.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/metrics"
	"github.com/ketanmu/ketanmu/store"
	"github.com/ketanmu/ketanmu/web/api"
	"github.com/ketanmu/ketanmu/web/httpx"
	"github.com/ketanmu/ketanmu/web/ops"
	"github.com/ketanmu/ketanmu/web/status"
)

// Transport is what the server asks of the transport: each account's connection.
type Transport = status.Transport

// Surface is a further HTTP surface mounted beside the others: the simulator's (web/sim), which
// only the simulator's wiring gives.
type Surface interface {
	// Routes adds the surface's routes.
	Routes(mux *http.ServeMux)
	// Guard wraps the whole server the surface is mounted in.
	Guard(next http.Handler) http.Handler
}

// SignInAid is another way into the workspace than an operator's own password (the
// simulator's); see web/ops.
type SignInAid = ops.SignInAid

// Linker links an account's WhatsApp number while the service runs; see web/ops.
type Linker = ops.Linker

// Deps is everything the server is given; internal/app builds it.
type Deps struct {
	Cfg       *config.Config
	DB        *store.DB
	Cases     *casework.Service
	Transport Transport
	Log       *slog.Logger
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
	tr  Transport
	log *slog.Logger
	now func() time.Time
	// sim is the simulator's surface (Deps); nil under serve.
	sim Surface
	// api is the cases API (web/api).
	api *api.Server
	// ops is the workspace (web/ops).
	ops *ops.Server
	// metrics serves /metrics (Deps.Metrics).
	metrics http.Handler
}

// New returns a server over what d gives.
func New(d Deps) *Server {
	return &Server{cfg: d.Cfg, db: d.DB, tr: d.Transport, log: d.Log, now: d.DB.Now, sim: d.Sim,
		metrics: d.Metrics,
		ops: ops.New(ops.Deps{Cfg: d.Cfg, DB: d.DB, Cases: d.Cases, Transport: d.Transport, Log: d.Log,
			Linker: d.Linker, Sim: d.Sim != nil, SignIn: d.SignIn}),
		api: api.New(api.Deps{Cfg: d.Cfg, DB: d.DB, Cases: d.Cases, Log: d.Log, Token: d.APIToken, Roles: d.APIRoles})}
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
	s.api.Routes(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		httpx.Error(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	s.ops.Routes(mux)
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
func (h handler) CloseStreams() { h.s.ops.CloseStreams() }

// PasswordChecks is how many passwords the workspace checked against a bcrypt hash since start:
// what the login limits bound.
func (s *Server) PasswordChecks() int64 { return s.ops.PasswordChecks() }
