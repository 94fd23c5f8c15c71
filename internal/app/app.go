// Package app wires ketanmu's parts the way the program runs them, so that `ketanmu sim`,
// `ketanmu serve` and the tests that stand in for them share one wiring.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/backup"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/internal/metrics"
	"github.com/ketanmu/ketanmu/outbox"
	"github.com/ketanmu/ketanmu/reminder"
	"github.com/ketanmu/ketanmu/store"
	"github.com/ketanmu/ketanmu/web"
)

// Core is the heart shared by every way of running: the database, the router and the outbox
// around a transport.
type Core struct {
	Cfg    *config.Config
	Log    *slog.Logger
	DB     *store.DB
	Router *bot.Router
	// Cases is the case service the router's commands, the cases API and the workspace share.
	Cases  *casework.Service
	Outbox *outbox.Outbox
	// Metrics is what /metrics serves.
	Metrics *metrics.Metrics
	// Backups takes the scheduled backups; nil when backup.recipients is empty.
	Backups *backup.Job
}

// Open creates the data folder, loads the data key (KETANMU_DATA_KEY, else the key file, created
// when missing), opens the database and wires the router and the outbox around tr.
func Open(cfg *config.Config, log *slog.Logger, tr bot.Transport, now func() time.Time) (*Core, error) {
	dir := cfg.Storage.DataDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	privateDir(dir, log)
	keyPath := InDir(dir, cfg.Storage.KeyFile)
	key, created, err := store.LoadKey(os.Getenv("KETANMU_DATA_KEY"), keyPath)
	if err != nil {
		return nil, &config.Error{Key: "storage.key_file", Msg: "data key: " + err.Error()}
	}
	if created {
		log.Warn("Created a new data key; back it up, documents cannot be read without it", "path", keyPath)
	}
	cipher, err := store.NewCipher(key)
	if err != nil {
		return nil, err
	}
	if err := backupBeforeMigrating(cfg, log); err != nil {
		return nil, err
	}
	db, err := store.Open(InDir(dir, cfg.Storage.Database), cipher)
	if err != nil {
		return nil, err
	}
	db.Now = now
	if err := db.SeedOperators(context.Background(), casework.ConfigOperators(cfg)); err != nil {
		db.Close()
		return nil, err
	}
	c := &Core{Cfg: cfg, Log: log, DB: db}
	keys := make([]string, 0, len(cfg.Accounts))
	for _, a := range cfg.Accounts {
		keys = append(keys, a.Key)
	}
	c.Metrics = metrics.New(db, tr, keys, now)
	wake := outbox.NewWake(cfg.Accounts)
	var queue *outbox.Queue
	c.Router, c.Cases, queue = wire(db, cfg, log, newID(tr), wake.Kick)
	c.Router.Observer = c.Metrics
	gate := &outbox.ReplyGate{DB: db, Now: now}
	if h, ok := tr.(interface{ Holding(account string) bool }); ok {
		gate.Holding = h.Holding // WhatsApp: replies wait for the offline backlog
		c.Router.Holding = h.Holding
	}
	if b, ok := tr.(backlogTransport); ok {
		gate.Waiting = b.Waiting // WhatsApp: and for the files of their chat still being fetched
		c.Router.Backlog = b.Backlog
	}
	c.Outbox, err = outbox.New(cfg.Outbound, cfg.Accounts, outbox.Deps{
		DB: db, Transport: tr, Wake: wake, Gate: gate, Recheck: queue, Observer: c.Metrics,
		GaveUp: c.Router.TellGaveUp, OnBacklog: c.Router.TellBacklog, Expired: c.Router.TellExpired,
		Now: now, Log: log,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	c.Metrics.WatchBackups(cfg.Backup.Dir)
	if c.Backups, err = backupJob(c, time.Now); err != nil {
		db.Close()
		return nil, err
	}
	return c, nil
}

// NewRouter builds the router and the case service its commands, the cases API and the
// workspace go through, over one queueing path (lanes, the proactive rule, waking the outbox
// with wake; nil: a wake-up nobody listens to) with newID as the generator of outbound message
// IDs (nil: ketanmu's own).
func NewRouter(db *store.DB, cfg *config.Config, log *slog.Logger, newID func(account string) string, wake func(account string)) *bot.Router {
	if wake == nil {
		wake = outbox.NewWake(cfg.Accounts).Kick
	}
	r, _, _ := wire(db, cfg, log, newID, wake)
	return r
}

// wire builds the queueing rules, the flows engine, the case service and the router over them.
func wire(db *store.DB, cfg *config.Config, log *slog.Logger, newID func(account string) string, wake func(account string)) (*bot.Router, *casework.Service, *outbox.Queue) {
	engine := flows.New(cfg.FlowOptions())
	queue := outbox.NewQueue(db, cfg, log, newID, wake)
	cases := casework.New(db, cfg, engine, queue, log)
	return bot.NewRouter(db, cfg, engine, cases, queue, log), cases, queue
}

// newID is the transport's generator of outbound message IDs (WhatsApp's own format), nil
// when it has none.
func newID(tr bot.Transport) func(account string) string {
	if g, ok := tr.(interface{ NewID(account string) string }); ok {
		return g.NewID
	}
	return nil
}

// privateDir closes a data folder that an older release or an image left open to other local
// users (the database, the key and whatsmeow's device keys live there). A folder we may not
// change is only reported: it may be a mount the administrator manages.
func privateDir(dir string, log *slog.Logger) {
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		log.Warn("Data folder is readable by other users", "path", dir, "error", err)
		return
	}
	log.Info("Data folder closed to other users", "path", dir)
}

// InDir resolves a file name from the config against the data folder.
func InDir(dir, name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dir, name)
}

// Simulator is `ketanmu sim`: the core on the simulator's transport and movable clock, the SLA
// scheduler following that clock, and the HTTP server with the simulator's page and API.
type Simulator struct {
	*Core
	Clock     *sim.Clock
	Transport *sim.Transport
	Scheduler *reminder.Scheduler
	Server    *web.Server
}

// OpenSimulator wires the simulator with its clock starting at start (zero: the real time) and
// token as the cases API's bearer token.
func OpenSimulator(cfg *config.Config, log *slog.Logger, start time.Time, token string) (*Simulator, error) {
	s := &Simulator{Clock: sim.NewClock(start), Transport: &sim.Transport{}}
	core, err := Open(cfg, log, s.Transport, s.Clock.Now)
	if err != nil {
		return nil, err
	}
	s.Core = core
	if s.Scheduler, err = reminder.New(core.DB, cfg, core.Router, s.Clock.Now, log); err != nil {
		core.DB.Close()
		return nil, err
	}
	deps := &web.Sim{Inbox: simInbox{cfg: cfg, db: core.DB, router: core.Router, now: s.Clock.Now}, Clock: s.Clock, RunDue: func(ctx context.Context, now time.Time) error {
		// The SLA scan and every digest that came due, then the outbox: its retries whose
		// time came, and the reminders just queued.
		err := s.Scheduler.RunDue(ctx, now)
		s.Outbox.KickAll()
		return err
	}, Settle: func(ctx context.Context) error { return s.Outbox.Settle(ctx, simSettle) }}
	s.Server = web.New(cfg, core.DB, core.Cases, s.Transport, deps, log)
	s.Server.SetAPIToken(token)
	// Tools outside the project drive the simulator with its token at the supervisor's scope.
	s.Server.SetAPIRoles([]ketanmu.Role{ketanmu.RoleSupervisor})
	s.Server.SetMetrics(core.Metrics.Handler())
	return s, nil
}

// simSettle is how much real time the simulator gives the outbox to send what is about to go
// before its clock jumps (replies wait reply_delay, at most a few seconds).
const simSettle = 5 * time.Second

// Start runs the outbox and the scheduler (which follows the simulated clock between jumps) in
// the background; stop ends them and waits. The database stays open.
func (s *Simulator) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		s.Outbox.Run(ctx)
	}()
	go func() {
		defer wg.Done()
		s.RunBackups(ctx)
	}()
	go func() {
		defer wg.Done()
		s.Scheduler.Follow(ctx, time.Second)
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}

// The metrics count what the router and the outbox report.
var (
	_ bot.InboundObserver = (*metrics.Metrics)(nil)
	_ outbox.Observer     = (*metrics.Metrics)(nil)
)

// backlogTransport is a transport that receives a backlog after downtime (WhatsApp).
type backlogTransport interface {
	Waiting(account, chat string) (bool, error)
	Backlog(account string, at time.Time) bool
}
