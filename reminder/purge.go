package reminder

import (
	"context"
	"time"
)

// purgeSpec runs the retention purge once a night, outside office hours.
const purgeSpec = "0 2 * * *"

// Purge erases the personal data (photos, NIK, name) of cases closed longer ago than
// retention.after_close (UU 27/2022: kept no longer than needed).
func (s *Scheduler) Purge(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.db.PurgeClosed(ctx, now.Add(-s.cfg.Retention.AfterClose))
	if err == nil && n > 0 {
		s.log.Info("Erased files past retention", "files", n)
	}
	return n, err
}
