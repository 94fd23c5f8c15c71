package reminder

import (
	"context"
	"errors"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ketanmu/ketanmu/store"
)

// purgeSchedule runs the retention purge once a night, outside office hours: on the wall clock
// (Run) and on the simulator's (RunDue) alike. Each run scans whole tables in the writers'
// turn, so it runs when due, not on every tick of a clock.
var purgeSchedule = func() cron.Schedule {
	s, err := cron.ParseStandard("0 2 * * *")
	if err != nil {
		panic(err)
	}
	return s
}()

// Purge erases the personal data past retention (UU 27/2022: kept no longer than needed): of
// cases closed longer ago than retention.after_close, of messages as old, and of drafts and
// chats left for retention.abandoned_after. A WAL that a reader kept from being truncated
// (store.ErrWALKept) is logged, and the purge counts as done: what it erased is committed, and
// running it again would find nothing more to erase.
func (s *Scheduler) Purge(ctx context.Context, now time.Time) (store.Purged, error) {
	p, err := s.db.Purge(ctx, store.Retention{Closed: now.Add(-s.cfg.Retention.AfterClose),
		Abandoned: now.Add(-s.cfg.Retention.AbandonedAfter)})
	if p.Any() {
		s.log.Info("Erased personal data past retention", "cases", p.Cases, "messages", p.Messages,
			"replies", p.Outbox, "files", p.Files, "drafts", p.Drafts, "survey_suggestions", p.Suggestions)
	}
	if errors.Is(err, store.ErrWALKept) {
		s.log.Warn("Retention purge: the WAL could not be truncated", "error", err)
		return p, nil
	}
	return p, err
}
