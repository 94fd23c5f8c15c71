package app

import (
	"errors"
	"log/slog"
	"time"

	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/reminder"
	"github.com/ketanmu/ketanmu/web"
)

// Service is `ketanmu serve`: the core on the WhatsApp transport and the real clock, the SLA
// scheduler, and the HTTP server (health, accounts, cases API, workspace, metrics).
type Service struct {
	*Core
	Scheduler *reminder.Scheduler
	Server    *web.Server
}

// OpenService wires the service around tr, WhatsApp's transport (opened by the caller: this
// package is imported by the transport's own tests), with linker as the workspace's way to link
// a number through it and token as the cases API's shared bearer token ("": operators'
// personal tokens only). Nothing runs yet.
func OpenService(cfg *config.Config, log *slog.Logger, tr bot.Transport, linker web.Linker, token string) (*Service, error) {
	core, err := Open(cfg, log, tr, time.Now)
	if err != nil {
		return nil, err
	}
	sched, err := reminder.New(core.DB, cfg, core.Router, time.Now, log)
	if err != nil {
		return nil, errors.Join(err, core.DB.Close())
	}
	srv := core.Web(tr, WebOptions{APIToken: token, Linker: linker})
	return &Service{Core: core, Scheduler: sched, Server: srv}, nil
}
