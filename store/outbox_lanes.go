package store

import (
	"context"

	"github.com/ketanmu/ketanmu"
)

// PendingLanes returns the lanes in which the account has something pending: one walk over the
// pending rows, where asking lane by lane walked them once for each empty lane. The walk is in
// id order (021's index), so that the rows it reads lie page after page: left to itself SQLite
// takes outbox_pending, in chat order, and reads a page for nearly every row (40,000 pending
// rows: 55-60 ms against 7-14 ms).
func (db *DB) PendingLanes(ctx context.Context, account string) (map[ketanmu.Lane]bool, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT DISTINCT lane FROM outbox INDEXED BY outbox_pending_order
		WHERE account = ? AND status = 'pending'`, account)
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
