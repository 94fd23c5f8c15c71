package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/app"
)

// commonFlags are the flags every long-running command shares.
type commonFlags struct {
	config  string
	addr    string
	data    string
	logJSON bool
}

func (c *commonFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&c.config, "config", "config.yaml", "config file (falls back to the built-in config.example.yaml when absent)")
	fs.StringVar(&c.addr, "addr", "", "HTTP address HOST:PORT (overrides http.addr)")
	fs.StringVar(&c.data, "data", "", "data folder (overrides storage.data_dir)")
	fs.BoolVar(&c.logJSON, "log-json", false, "log as JSON lines")
}

// loadConfig loads the config file; a missing default config.yaml falls back to the built-in
// example with a notice, a missing file named explicitly is an error.
func (c *commonFlags) loadConfig(explicit bool, stderr io.Writer) (*config.Config, error) {
	path := c.config
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && !explicit {
		fmt.Fprintf(stderr, "ketanmu: %s not found, using the built-in config.example.yaml\n", path)
		path = ""
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if c.addr != "" {
		cfg.HTTP.Addr = c.addr
	}
	if c.data != "" {
		cfg.Storage.DataDir = c.data
	}
	if c.logJSON {
		cfg.Log.Format = "json"
	}
	return cfg, nil
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// serveHTTP serves handler on http.addr until ctx ends. start runs the background workers
// (outbox, scheduler) and returns what stops them; on the way out the HTTP server stops first,
// then the workers, then the database closes: pending messages stay in the outbox.
func serveHTTP(ctx context.Context, core *app.Core, handler http.Handler, start func(context.Context) (stop func()), ready func(addr string)) error {
	ln, err := net.Listen("tcp", core.Cfg.HTTP.Addr)
	if err != nil {
		return errors.Join(&exitError{code: 1, msg: fmt.Sprintf("cannot listen on %s: %v (use --addr to pick another)", core.Cfg.HTTP.Addr, err)}, core.DB.Close())
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	if c, ok := handler.(interface{ CloseStreams() }); ok {
		srv.RegisterOnShutdown(c.CloseStreams) // live updates would hold Shutdown up
	}
	if addr := core.Cfg.HTTP.MetricsAddr; addr != "" {
		// Metrics on their own listener (a private interface for Prometheus), never on the main one.
		mln, err := net.Listen("tcp", addr)
		if err != nil {
			ln.Close()
			return errors.Join(&exitError{code: 1, msg: fmt.Sprintf("cannot listen on %s (http.metrics_addr): %v", addr, err)}, core.DB.Close())
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", core.Metrics.Handler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = msrv.Serve(mln) }()
		defer msrv.Close()
		core.Log.Info("Serving metrics", "addr", mln.Addr().String())
	}
	stop := start(context.WithoutCancel(ctx))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	ready(ln.Addr().String())
	select {
	case err = <-errc:
	case <-ctx.Done():
		core.Log.Info("Shutting down; pending messages stay in the outbox")
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = srv.Shutdown(shutdown)
	}
	stop()
	return errors.Join(err, core.DB.Close())
}

// browserURL turns a listen address into something to click.
func browserURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return "http://" + host + ":" + port + "/"
}
