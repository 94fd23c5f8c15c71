package ops

import (
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
	"github.com/ketanmu/ketanmu/web/status"
)

// SignInAid is another way into the workspace than an operator's own password, which a wiring
// may give: the simulator's (every operator signs in with "sim"; web/sim.SignIn). Under
// `ketanmu serve` there is none. With one, the login page lists the operators' names.
type SignInAid interface {
	Accepts(op ketanmu.Operator, password string) bool
}

// Deps is what the workspace is given (by web, from internal/app).
type Deps struct {
	Cfg       *config.Config
	DB        *store.DB
	Cases     *casework.Service
	Transport status.Transport
	Log       *slog.Logger
	// Linker links WhatsApp numbers from the workspace; nil: nothing to link (the simulator).
	Linker Linker
	// Sim: the simulator runs; its pages carry the simulator's banner.
	Sim bool
	// SignIn is the simulator's sign-in shortcut; nil under `ketanmu serve`.
	SignIn SignInAid
}

// Server serves the workspace.
type Server struct {
	cfg    *config.Config
	db     *store.DB
	cs     *casework.Service
	tr     status.Transport
	log    *slog.Logger
	linker Linker
	sim    bool
	signIn SignInAid

	opsOnce sync.Once
	opsSt   *opsState
	// passwordChecks counts bcrypt comparisons (PasswordChecks).
	passwordChecks atomic.Int64
}

// New returns the workspace over what d gives.
func New(d Deps) *Server {
	return &Server{cfg: d.Cfg, db: d.DB, cs: d.Cases, tr: d.Transport, log: d.Log, linker: d.Linker,
		sim: d.Sim, signIn: d.SignIn}
}

func (s *Server) cases() *casework.Service { return s.cs }
