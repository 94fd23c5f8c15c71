package backup

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"filippo.io/age"
	"github.com/robfig/cron/v3"
)

// Job takes the scheduled backups into Dir and prunes the old ones. A failure is logged every
// time and told (Tell) once, until a backup succeeds again.
type Job struct {
	Source     Source
	Recipients []age.Recipient
	Dir        string
	Policy     Policy
	Now        func() time.Time
	Log        *slog.Logger
	// Tell is called with true on the first failure after a success, and with false on the
	// first success after a failure.
	Tell func(ctx context.Context, failed bool)

	mu     sync.Mutex
	failed bool
}

// RunOnce takes one backup and prunes; the error is also logged and told.
func (j *Job) RunOnce(ctx context.Context) (Result, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.Now()
	res, err := Take(ctx, j.Source, j.Recipients, filepath.Join(j.Dir, Name(now)), now)
	if err == nil {
		var dropped []Info
		dropped, err = Prune(j.Dir, j.Policy)
		if len(dropped) > 0 {
			j.Log.Info("Pruned old backups", "count", len(dropped), "dir", j.Dir)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return res, err
		}
		j.Log.Error("Backup failed", "dir", j.Dir, "error", err)
		if !j.failed && j.Tell != nil {
			j.Tell(ctx, true)
		}
		j.failed = true
		return res, err
	}
	j.Log.Info("Backup written", "path", res.Path, "bytes", res.Size, "schema", res.Manifest.SchemaVersion)
	if j.failed && j.Tell != nil {
		j.Tell(ctx, false)
	}
	j.failed = false
	return res, nil
}

// Run takes backups at the specs' times (in loc) with robfig/cron until ctx ends.
func (j *Job) Run(ctx context.Context, specs []cron.Schedule, loc *time.Location) {
	if len(specs) == 0 {
		<-ctx.Done()
		return
	}
	c := cron.New(cron.WithLocation(loc), cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))
	for _, s := range specs {
		c.Schedule(s, cron.FuncJob(func() { _, _ = j.RunOnce(ctx) }))
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
}

// Stale reports whether the newest backup (at last; zero: none) missed two scheduled times
// before now: the workspace then warns supervisors. Without a schedule nothing is stale.
func Stale(last, now time.Time, specs []cron.Schedule, loc *time.Location) bool {
	if len(specs) == 0 {
		return false
	}
	// The scheduled times of the past eight days up to now, newest last.
	var times []time.Time
	from := now.In(loc).Add(-8 * 24 * time.Hour)
	for _, s := range specs {
		for t := s.Next(from); !t.After(now) && len(times) < 10000; t = s.Next(t) {
			times = append(times, t)
		}
	}
	if len(times) < 2 {
		return last.IsZero()
	}
	second := secondNewest(times)
	return last.Before(second)
}

func secondNewest(ts []time.Time) time.Time {
	var first, second time.Time
	for _, t := range ts {
		switch {
		case t.After(first):
			first, second = t, first
		case t.After(second) && t.Before(first):
			second = t
		}
	}
	return second
}
