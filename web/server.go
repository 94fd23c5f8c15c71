// Package web serves ketanmu over HTTP: the simulator page and its JSON API, health, the cases
// API and the operators' workspace (/ops/).
package web

import (
	"context"
	"encoding/json"
	"errors"
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
)

// Transport is what the server asks of the transport: each account's connection.
type Transport interface {
	State(account string) ketanmu.ConnState
}

// Sim holds what only the simulator has: the input path its page and API write to, a movable
// clock and the jobs to run when it moves.
type Sim struct {
	// Inbox is the input path WhatsApp's messages take too (internal/app wires it).
	Inbox Inbox
	Clock interface {
		Now() time.Time
		Advance(time.Duration) time.Time
	}
	// RunDue runs every scheduled job due at now (reminders, outbox retries).
	RunDue func(ctx context.Context, now time.Time) error
	// Settle sends, before the clock jumps, what the outbox would send within seconds anyway.
	Settle func(ctx context.Context) error
}

// Server is the HTTP server's handler set.
type Server struct {
	cfg *config.Config
	db  *store.DB
	cs  *casework.Service
	tr  Transport
	sim *Sim
	log *slog.Logger
	// apiToken is the cases API's shared bearer token (SetAPIToken); empty: personal tokens only.
	apiToken string
	// linker links WhatsApp numbers from the workspace (SetLinker); nil in the simulator.
	linker  Linker
	opsOnce sync.Once
	opsSt   *opsState
	// metrics serves /metrics (SetMetrics).
	metrics http.Handler
	// passwordChecks counts bcrypt comparisons (PasswordChecks).
	passwordChecks atomic.Int64
	// apiRoles are the shared token's roles (SetAPIRoles); nil: handoff.api_roles.
	apiRoles []ketanmu.Role
	// bearer throttles failed bearer tokens per address.
	bearer bearerGuard
}

func (s *Server) cases() *casework.Service { return s.cs }

// New returns a server over the case service cs; sim is nil under `ketanmu serve`.
func New(cfg *config.Config, db *store.DB, cs *casework.Service, tr Transport, sim *Sim, log *slog.Logger) *Server {
	return &Server{cfg: cfg, db: db, cs: cs, tr: tr, sim: sim, log: log}
}

// SetMetrics serves h at GET /metrics on this server, to loopback clients only, unless
// http.metrics_addr gives the metrics a listener of their own.
func (s *Server) SetMetrics(h http.Handler) { s.metrics = h }

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
		mux.HandleFunc("GET /{$}", s.simPage)
		mux.Handle("POST /api/sim/messages", bounded(1, http.HandlerFunc(s.simPost)))
		mux.HandleFunc("GET /api/sim/messages", s.simTranscript)
		mux.HandleFunc("GET /api/sim/media/{id}", s.simMedia)
		mux.HandleFunc("POST /api/sim/clock", s.simClock)
		mux.HandleFunc("GET /api/sim/clock", s.simClockGet)
		mux.HandleFunc("GET /api/sim/accounts", s.simAccounts)
		mux.HandleFunc("GET /api/sim/chats", s.simChats)
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
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	s.opsRoutes(mux)
	var h http.Handler = mux
	if s.sim != nil {
		h = simGuard(h)
	}
	return handler{Handler: secureHeaders(s.privateHeaders(s.recoverer(h))), s: s}
}

// handler is the server's handler; CloseStreams ends its long-lived responses (live updates) so
// that an http.Server's Shutdown need not wait for them.
type handler struct {
	http.Handler
	s *Server
}

// CloseStreams ends the workspace's live-update streams.
func (h handler) CloseStreams() { h.s.CloseStreams() }

// recoverer turns a panic in a handler into a logged 500 with a JSON body.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("Handler panic", "path", r.URL.Path, "panic", v)
				writeError(w, http.StatusInternalServerError, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeErr maps a coded error to its status; internal errors are logged once, here.
func (s *Server) writeErr(w http.ResponseWriter, r *http.Request, err error) {
	status := ketanmu.HTTPStatus(err)
	if status == http.StatusInternalServerError {
		if !errors.Is(err, context.Canceled) {
			s.log.Error("Request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		}
	}
	writeError(w, status, ketanmu.ErrorMessage(err))
}
