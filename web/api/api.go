// Package api is the cases API (/api/cases, /api/reports): a thin adapter over the case
// service for tools outside the project, authenticated by bearer tokens (the shared token of
// the configured system actor, or an operator's personal token).
package api

import (
	"log/slog"
	"net/http"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
)

// Deps is what the cases API is given (by web, from internal/app).
type Deps struct {
	Cfg   *config.Config
	DB    *store.DB
	Cases *casework.Service
	Log   *slog.Logger
	// Token is the shared bearer token (the configured system actor); "": only operators'
	// personal tokens.
	Token string
	// Roles are the shared token's roles; nil: handoff.api_roles.
	Roles []ketanmu.Role
}

// Server serves the cases API.
type Server struct {
	cfg *config.Config
	db  *store.DB
	cs  *casework.Service
	log *slog.Logger
	// apiToken is the shared bearer token; empty: personal tokens only.
	apiToken string
	// apiRoles are the shared token's roles; nil: handoff.api_roles.
	apiRoles []ketanmu.Role
	// bearer throttles failed bearer tokens per address.
	bearer bearerGuard
}

// New returns the cases API over what d gives.
func New(d Deps) *Server {
	return &Server{cfg: d.Cfg, db: d.DB, cs: d.Cases, log: d.Log, apiToken: d.Token, apiRoles: d.Roles}
}

// Routes adds the cases API and the reports to mux.
func (s *Server) Routes(mux *http.ServeMux) {
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
}
