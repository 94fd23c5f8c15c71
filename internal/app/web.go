package app

import (
	"context"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/web"
	websim "github.com/ketanmu/ketanmu/web/sim"
)

// The HTTP server is built here, with everything it needs given to web.New: `ketanmu serve`
// gets health, /metrics, the cases API and the workspace (Core.Web); `ketanmu sim` gets the same
// plus the simulator's surface and its sign-in shortcut (Simulator.Web). Nothing else mounts
// web/sim (TestWebSimOnlyInSimWiring).

// WebOptions are what a way of running adds to the HTTP server.
type WebOptions struct {
	// APIToken is the cases API's shared bearer token; "": personal tokens only.
	APIToken string
	// APIRoles are the shared token's roles; nil: handoff.api_roles.
	APIRoles []ketanmu.Role
	// Linker links numbers from the workspace (the WhatsApp transport); nil: none.
	Linker web.Linker
}

// Web returns the HTTP server of `ketanmu serve` over the core and its transport tr.
func (c *Core) Web(tr web.Transport, o WebOptions) *web.Server {
	return web.New(c.webDeps(tr, o))
}

func (c *Core) webDeps(tr web.Transport, o WebOptions) web.Deps {
	return web.Deps{Cfg: c.Cfg, DB: c.DB, Cases: c.Cases, Transport: tr, Log: c.Log,
		Metrics: c.Metrics.Handler(), APIToken: o.APIToken, APIRoles: o.APIRoles, Linker: o.Linker}
}

// Web returns the simulator's HTTP server: Core.Web's on the simulator's transport and clock,
// with the simulator's page and API mounted and its sign-in shortcut ("sim" for every operator).
// The shared API token acts at the supervisor's scope (tools outside the project drive the
// simulator with it) unless o.APIRoles says otherwise.
func (s *Simulator) Web(o WebOptions) *web.Server {
	if o.APIRoles == nil {
		o.APIRoles = []ketanmu.Role{ketanmu.RoleSupervisor}
	}
	d := s.webDeps(s.Transport, o)
	d.Sim = websim.New(websim.Deps{Cfg: s.Cfg, DB: s.DB, Log: s.Log,
		Inbox: simInbox{cfg: s.Cfg, db: s.DB, router: s.Router, now: s.Clock.Now}, Clock: s.Clock,
		RunDue: func(ctx context.Context, now time.Time) error {
			// The SLA scan and every digest that came due, then the outbox: its retries whose
			// time came, and the reminders just queued.
			err := s.Scheduler.RunDue(ctx, now)
			s.Outbox.KickAll()
			return err
		},
		Settle: func(ctx context.Context) error { return s.Outbox.Settle(ctx, simSettle) }})
	d.SignIn = websim.SignIn{}
	return web.New(d)
}
