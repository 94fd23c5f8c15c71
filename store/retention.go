package store

import (
	"context"
	"fmt"
	"time"
)

// PurgeClosed erases the personal data of cases closed before cutoff (UU 27/2022: kept no
// longer than needed): their photos' bytes (and every other file of the same chats), the NIK and
// the name. Case numbers, stages and history stay for the statistics. It returns how many files
// were erased.
func (db *DB) PurgeClosed(ctx context.Context, cutoff time.Time) (int64, error) {
	var erased int64
	err := db.Update(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE media SET data = x'' WHERE length(data) > 0 AND created_at < ? AND id IN (
				SELECT d.media_id FROM case_documents d JOIN cases c ON c.id = d.case_id
				WHERE c.closed_at != '' AND c.closed_at < ?
				UNION
				SELECT m.media_id FROM messages m JOIN cases c ON c.account = m.account AND c.chat = m.chat
				WHERE m.media_id IS NOT NULL AND c.closed_at != '' AND c.closed_at < ?
				  AND NOT EXISTS (SELECT 1 FROM cases o WHERE o.account = c.account AND o.chat = c.chat
				                  AND (o.closed_at = '' OR o.closed_at >= ?)))`,
			formatTime(cutoff), formatTime(cutoff), formatTime(cutoff), formatTime(cutoff))
		if err != nil {
			return fmt.Errorf("purge media: %w", err)
		}
		erased, _ = res.RowsAffected()
		_, err = tx.tx.ExecContext(ctx, `UPDATE cases SET nik = CASE WHEN length(nik) = 16
				THEN substr(nik, 1, 6) || '********' || substr(nik, 15, 2) ELSE '' END, name = ''
			WHERE closed_at != '' AND closed_at < ? AND (name != '' OR nik GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*')`,
			formatTime(cutoff))
		if err != nil {
			return fmt.Errorf("purge cases: %w", err)
		}
		return nil
	})
	return erased, err
}
