package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu"
)

// SessionInfo is one signed-in session of an operator, as listed to them.
type SessionInfo struct {
	ID        int64
	TokenHash string
	Created   time.Time
	Seen      time.Time
}

// OperatorSessions lists an operator's sessions, the most recently used first.
func (db *DB) OperatorSessions(ctx context.Context, operatorID int64) ([]SessionInfo, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT rowid, token_hash, created_at, seen_at FROM ops_sessions
		WHERE operator_id = ? ORDER BY seen_at DESC, rowid DESC`, operatorID)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []SessionInfo
	for rows.Next() {
		var s SessionInfo
		var created, seen string
		if err := rows.Scan(&s.ID, &s.TokenHash, &created, &seen); err != nil {
			return nil, err
		}
		s.Created, s.Seen = parseTime(created), parseTime(seen)
		out = append(out, s)
	}
	return out, rows.Err()
}

// EndOperatorSession signs out the operator's session id and returns its token hash; a session
// that is not theirs (or no longer exists) is ENOTFOUND.
func (db *DB) EndOperatorSession(ctx context.Context, operatorID, id int64) (string, error) {
	var hash string
	err := db.Update(ctx, func(tx *Tx) error {
		err := tx.tx.QueryRowContext(ctx, `DELETE FROM ops_sessions WHERE rowid = ? AND operator_id = ? RETURNING token_hash`,
			id, operatorID).Scan(&hash)
		if errors.Is(err, sql.ErrNoRows) {
			return ketanmu.Errorf(ketanmu.ENOTFOUND, "sesi tidak ditemukan atau sudah berakhir")
		}
		return err
	})
	return hash, err
}
