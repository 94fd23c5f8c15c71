package store

import (
	"context"

	"github.com/ketanmu/ketanmu"
)

// LanePending reports whether the account has anything pending in lane.
func (db *DB) LanePending(ctx context.Context, account string, lane ketanmu.Lane) (bool, error) {
	var pending bool
	err := db.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM outbox
		WHERE account = ? AND lane = ? AND status = 'pending')`, account, string(lane)).Scan(&pending)
	return pending, err
}
