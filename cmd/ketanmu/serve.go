package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/ketanmu/ketanmu/bot/whatsapp"
	"github.com/ketanmu/ketanmu/web"
)

// runServe runs the service on WhatsApp: every paired account, the router, the outbox worker
// and the HTTP server (health, accounts, API).
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	var common commonFlags
	common.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := common.loadConfig(flagGiven(fs, "config"), stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	tr, err := whatsapp.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	a, err := openApp(cfg, log, tr, time.Now)
	if err != nil {
		return errors.Join(err, tr.Close())
	}
	a.router.NewID = tr.NewID
	a.outbox.Jitter = cfg.WhatsApp.SendJitter
	tr.Start(ctx, a.router, a.db)

	paired := 0
	for _, acc := range cfg.Accounts {
		if tr.Paired(acc.Key) {
			paired++
		}
	}
	srv := web.New(cfg, a.db, a.router, tr, nil, log)

	// WhatsApp stops first, so that no message is acknowledged while the database closes;
	// then the HTTP server and the outbox stop and the database closes (in serveHTTP).
	httpCtx, stopHTTP := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHTTP()
	var closeOnce sync.Once
	var closeErr error
	closeWhatsApp := func() { closeOnce.Do(func() { closeErr = tr.Close() }) }
	go func() {
		select {
		case <-ctx.Done():
		case <-httpCtx.Done():
		}
		closeWhatsApp()
		stopHTTP()
	}()
	err = a.serveHTTP(httpCtx, serveRoutes(srv), func(addr string) {
		fmt.Fprintf(stdout, "ketanmu is serving on WhatsApp with %s, data in %s\n", cfg.Source, cfg.Storage.DataDir)
		fmt.Fprintf(stdout, "%d of %d accounts paired; states at %sapi/accounts (Ctrl+C to stop).\n",
			paired, len(cfg.Accounts), browserURL(addr))
		for _, acc := range cfg.Accounts {
			if !tr.Paired(acc.Key) {
				fmt.Fprintf(stdout, "  %s (%s) is not paired: run `ketanmu pair --account %s`\n", acc.Key, acc.Name, acc.Key)
			}
		}
	})
	stopHTTP()
	closeWhatsApp()
	return errors.Join(err, closeErr)
}

// serveRoutes puts the account states (GET /api/accounts, and /healthz listing the accounts
// that need a person) in front of the server's routes.
func serveRoutes(srv *web.Server) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/accounts", srv.AccountsHandler())
	mux.HandleFunc("GET /healthz", srv.HealthHandler())
	mux.Handle("/", srv.Handler())
	return mux
}

// flagGiven reports whether the flag was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			given = true
		}
	})
	return given
}
