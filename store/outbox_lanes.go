package store

import (
	"context"
	"database/sql"

	"github.com/ketanmu/ketanmu"
)

// PendingLanes returns the lanes in which the account has something pending. It jumps from
// one lane to the next in outbox_pending_lane (022), an index seek per lane present, so that
// asking costs the same with 40,000 messages pending as with none: walking the pending rows
// took 7-14 ms a pass at that backlog.
func (db *DB) PendingLanes(ctx context.Context, account string) (map[ketanmu.Lane]bool, error) {
	rows, err := db.db.QueryContext(ctx, `WITH RECURSIVE present(lane) AS (
			SELECT MIN(lane) FROM outbox INDEXED BY outbox_pending_lane WHERE account = :account AND status = 'pending'
			UNION ALL
			SELECT (SELECT MIN(lane) FROM outbox INDEXED BY outbox_pending_lane
				WHERE account = :account AND status = 'pending' AND lane > present.lane)
			FROM present WHERE present.lane IS NOT NULL)
		SELECT lane FROM present WHERE lane IS NOT NULL`, sql.Named("account", account))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	lanes := map[ketanmu.Lane]bool{}
	for rows.Next() {
		var lane string
		if err := rows.Scan(&lane); err != nil {
			return nil, err
		}
		lanes[ketanmu.Lane(lane)] = true
	}
	return lanes, rows.Err()
}
