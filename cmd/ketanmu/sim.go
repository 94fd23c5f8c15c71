package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/app"
)

func runSim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sim", stderr)
	var common commonFlags
	common.register(fs)
	nowFlag := fs.String("now", "", "start the simulated clock at this RFC 3339 time (default: the real time)")
	public := fs.Bool("public", false, "allow an address other than loopback (the simulator has no login)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	explicit := flagGiven(fs, "config")
	var start time.Time
	if *nowFlag != "" {
		var err error
		if start, err = time.Parse(time.RFC3339, *nowFlag); err != nil {
			return &exitError{code: 2, msg: fmt.Sprintf("--now %q is not an RFC 3339 time such as 2026-11-25T09:00:00+07:00", *nowFlag)}
		}
	}
	cfg, err := common.loadConfig(explicit, stderr)
	if err != nil {
		return err
	}
	if err := simSafe(cfg, *public); err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	token, err := apiToken(cfg, "sim")
	if err != nil {
		return err
	}
	s, err := app.OpenSimulator(cfg, log, start, token)
	if err != nil {
		return err
	}
	return serveHTTP(ctx, s.Core, s.Server.Handler(), s.Start, func(addr string) {
		fmt.Fprintf(stdout, "ketanmu simulator is running with %s, data in %s\n", cfg.Source, cfg.Storage.DataDir)
		fmt.Fprintf(stdout, "Open %s in your browser (Ctrl+C to stop).\n", browserURL(addr))
		fmt.Fprintf(stdout, "Operators' workspace: %sops/ (every operator signs in with the password \"sim\").\n", browserURL(addr))
	})
}

// minAPIToken is the shortest shared API token ketanmu starts with: 32 characters, as many
// as `openssl rand -base64 32` gives 44 of.
const minAPIToken = 32

// apiToken is the cases API's bearer token: KETANMU_API_TOKEN, else handoff.api_token (which
// KETANMU_HANDOFF_API_TOKEN overrides), else fallback ("" keeps the API closed). A configured
// token shorter than minAPIToken is refused: the program does not start with it.
func apiToken(cfg *config.Config, fallback string) (string, error) {
	tok, from := strings.TrimSpace(os.Getenv("KETANMU_API_TOKEN")), "KETANMU_API_TOKEN"
	if tok == "" {
		tok, from = strings.TrimSpace(cfg.Handoff.APIToken), "handoff.api_token"
	}
	if tok == "" {
		return fallback, nil
	}
	if n := len([]rune(tok)); n < minAPIToken {
		return "", &exitError{code: 2, msg: fmt.Sprintf("%s is %d characters long; the cases API's token needs at least %d. "+
			"Make one with: openssl rand -base64 32", from, n, minAPIToken)}
	}
	return tok, nil
}

// simSafe keeps the simulator, which has no login and shows every photo, away from real data:
// it listens on loopback only unless --public, and refuses a data folder that `ketanmu serve`
// has used (it holds WhatsApp's device store), where it would also mark real replies as sent.
func simSafe(cfg *config.Config, public bool) error {
	host, _, err := net.SplitHostPort(cfg.HTTP.Addr)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("address %q is not HOST:PORT", cfg.HTTP.Addr)}
	}
	if ip := net.ParseIP(host); !public && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return &exitError{code: 2, msg: fmt.Sprintf("the simulator has no login: it listens on loopback only (address %s); add --public to listen on %s anyway", cfg.HTTP.Addr, host)}
	}
	wa := app.InDir(cfg.Storage.DataDir, cfg.Storage.WhatsmeowDatabase)
	if _, err := os.Stat(wa); err == nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s holds WhatsApp devices: that data folder belongs to `ketanmu serve`; give the simulator its own with --data", cfg.Storage.DataDir)}
	}
	return nil
}
