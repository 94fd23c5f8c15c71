// Package reminder runs the SLA jobs: the scan that warns operators before a stage's deadline,
// tells the operators' group when it has passed (with bounded repeats, an escalation to the
// supervisors and one update for the resident), the morning digest, and the compliance report.
// Time is working time from the office's calendar (package sla, which stays pure); the I/O is
// here, at the edge: the store for the cases, a Sender for the messages.
package reminder

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
)

// Sender queues messages in the transaction that fn runs in (bot.Router.Send), so that "this
// reminder was sent" and the queued message commit together, and the outbox paces them.
type Sender interface {
	Send(ctx context.Context, fn func(tx *store.Tx) ([]ketanmu.Outbound, error)) ([]ketanmu.Outbound, error)
}

// maxCatchUp bounds how many missed digest times one RunDue looks through for the newest.
const maxCatchUp = 400

// Scheduler runs the scan and the digest: on the wall clock with robfig/cron (Run), or on a
// clock that jumps (the simulator's) through RunDue.
type Scheduler struct {
	db    *store.DB
	cfg   *config.Config
	rules config.SLARules
	send  Sender
	now   func() time.Time
	log   *slog.Logger

	mu         sync.Mutex // one RunDue at a time, so that a due digest goes out once
	nextScan   time.Time
	nextDigest time.Time
	nextPurge  time.Time
	scanned    time.Time // the moment the last RunDue scan was for
}

// New returns a scheduler for the sla: section of cfg; now is its clock. RunDue counts due
// jobs from now() on.
func New(db *store.DB, cfg *config.Config, send Sender, now func() time.Time, log *slog.Logger) (*Scheduler, error) {
	rules, err := cfg.SLA.Rules()
	if err != nil {
		return nil, err
	}
	s := &Scheduler{db: db, cfg: cfg, rules: rules, send: send, now: now, log: log}
	start := s.local(now())
	if rules.Scan != nil {
		s.nextScan = rules.Scan.Next(start)
	}
	if rules.Digest != nil {
		s.nextDigest = rules.Digest.Next(start)
	}
	s.nextPurge = purgeSchedule.Next(start)
	return s, nil
}

func (s *Scheduler) local(t time.Time) time.Time { return t.In(s.cfg.Office.Location) }

// RunDue runs, before returning, every job that came due between the previous call (or New)
// and now: the scan once, as it looks at every case anyway, the digest once per scheduled
// time, and the nightly purge once, as of the last night that came due. A job that
// fails stays due and is tried again on the next call.
func (s *Scheduler) RunDue(ctx context.Context, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now = s.local(now)
	if s.rules.Digest != nil && !s.nextDigest.IsZero() && !s.nextDigest.After(now) {
		// After a jump or downtime only the newest digest that came due goes out: each one
		// replaces the one before, and a morning's worth of stale digests reads as spam.
		newest := time.Time{}
		for n, at := 0, s.nextDigest; !at.After(now) && n < maxCatchUp; n, at = n+1, s.rules.Digest.Next(at) {
			if s.cfg.Office.Calendar.IsWorkingDay(s.local(at)) {
				newest = at
			}
		}
		if !newest.IsZero() {
			if _, err := s.Digest(ctx, newest); err != nil {
				return err
			}
		}
		s.nextDigest = s.rules.Digest.Next(now)
	}
	if s.rules.Scan != nil && !s.nextScan.IsZero() && !s.nextScan.After(now) {
		// A jump of the clock past closing time: what came due while the office was open is
		// found at its last open instant, as the minute-by-minute scan would have found it.
		at := now
		if last, ok := s.cfg.Office.Calendar.LastOpen(now); ok && last.Before(now) && last.After(s.scanned) {
			at = last
		}
		if _, err := s.Scan(ctx, at); err != nil {
			return err
		}
		s.scanned = at
		s.nextScan = s.rules.Scan.Next(now)
	}
	if !s.nextPurge.After(now) {
		// After a jump, the last night's purge erases what the nights before would have.
		at := s.nextPurge
		for next := purgeSchedule.Next(at); !next.After(now); next = purgeSchedule.Next(at) {
			at = next
		}
		if _, err := s.Purge(ctx, at); err != nil {
			return err
		}
		s.nextPurge = purgeSchedule.Next(now)
	}
	return nil
}

// Run runs the jobs on the wall clock with robfig/cron, in the office's time zone, until ctx
// ends; then it waits for a running job to finish. A job still running when its next time
// comes is not started twice.
func (s *Scheduler) Run(ctx context.Context) {
	logger := cronLogger{s.log}
	c := cron.New(cron.WithLocation(s.cfg.Office.Location), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	if s.rules.Scan != nil {
		c.Schedule(s.rules.Scan, cron.FuncJob(func() {
			_, err := s.Scan(ctx, s.now())
			s.failed(ctx, "scan", err)
		}))
	}
	if s.rules.Digest != nil {
		c.Schedule(s.rules.Digest, cron.FuncJob(func() {
			// cron fires on the minute: that minute names the digest.
			_, err := s.Digest(ctx, s.local(s.now()).Truncate(time.Minute))
			s.failed(ctx, "digest", err)
		}))
	}
	c.Schedule(purgeSchedule, cron.FuncJob(func() {
		_, err := s.Purge(ctx, s.now())
		s.failed(ctx, "purge", err)
	}))
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
}

// Follow calls RunDue with the scheduler's clock every tick until ctx ends: the simulator's
// clock runs with real time between jumps, and robfig's timers know only the wall clock.
func (s *Scheduler) Follow(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.failed(ctx, "scheduled jobs", s.RunDue(ctx, s.now()))
		}
	}
}

func (s *Scheduler) failed(ctx context.Context, job string, err error) {
	if err != nil && ctx.Err() == nil {
		s.log.Error("SLA job failed", "job", job, "error", err)
	}
}

// cronLogger sends robfig/cron's chatter to slog: its routine messages at debug level.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("Cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("Cron: "+msg, append(kv, "error", err)...)
}
