package store

import (
	"fmt"
	"time"
)

// PresenceWindow is how long a person counts as having a case open after their page last
// loaded or refreshed itself (the page refreshes at least once a minute).
const PresenceWindow = 90 * time.Second

// SeeCase records that actor has case id open and returns the others who have it open. A
// person arriving (not seen within PresenceWindow) gets a new row id, which changes the
// ChangeMark, so that the others' pages show the newcomer; a page refreshing itself only moves
// its time, so that two open pages do not wake each other for ever.
func (tx *Tx) SeeCase(id int64, actor string) ([]string, error) {
	now := tx.now
	since := formatTime(now.Add(-PresenceWindow))
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE case_viewers SET seen_at = ? WHERE case_id = ? AND actor = ? AND seen_at >= ?`,
		formatTime(now), id, actor, since)
	if err != nil {
		return nil, fmt.Errorf("see case: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM case_viewers WHERE (case_id = ? AND actor = ?) OR seen_at < ?`,
			id, actor, formatTime(now.Add(-time.Hour))); err != nil {
			return nil, fmt.Errorf("see case: %w", err)
		}
		if _, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO case_viewers (case_id, actor, seen_at) VALUES (?, ?, ?)`,
			id, actor, formatTime(now)); err != nil {
			return nil, fmt.Errorf("see case: %w", err)
		}
	}
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT actor FROM case_viewers WHERE case_id = ? AND actor != ? AND seen_at >= ?
		ORDER BY id`, id, actor, since)
	if err != nil {
		return nil, fmt.Errorf("case viewers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
