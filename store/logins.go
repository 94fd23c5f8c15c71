package store

import (
	"context"
	"fmt"
	"time"
)

// LoginLimit is how many failed attempts a key (a name tried, an address) may have had in the
// window before another attempt is refused without looking at the password.
type LoginLimit struct {
	Key string
	Max int
}

// LoginAttempt is an attempt counted before its secret is checked: until Succeeded it stands as
// a failure under each of its keys, so that concurrent attempts count each other.
type LoginAttempt struct {
	ids []int64
}

// ReserveLogin counts an attempt before the expensive check, in one write transaction (which
// SQLite runs one at a time): when a key already has Max failures since since, nothing is
// recorded and blocked is that key; otherwise the attempt is recorded as a failure under every
// key. Of any number of simultaneous attempts, at most Max reach the check.
func (db *DB) ReserveLogin(ctx context.Context, since time.Time, limits ...LoginLimit) (a LoginAttempt, blocked string, err error) {
	err = db.Update(ctx, func(tx *Tx) error {
		a, blocked = LoginAttempt{}, ""
		for _, l := range limits {
			var n int
			if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?`,
				l.Key, formatTime(since)).Scan(&n); err != nil {
				return fmt.Errorf("count login failures: %w", err)
			}
			if n >= l.Max {
				blocked = l.Key
				return nil
			}
		}
		for _, l := range limits {
			res, err := tx.tx.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES (?, ?)`, l.Key, formatTime(tx.now))
			if err != nil {
				return fmt.Errorf("record login attempt: %w", err)
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			a.ids = append(a.ids, id)
		}
		// Old failures say nothing any more.
		_, err := tx.tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at < ?`, formatTime(tx.now.Add(-24*time.Hour)))
		return err
	})
	return a, blocked, err
}

// LoginSucceeded takes back the attempt's failures and forgets the earlier ones under clear
// (the name that signed in).
func (db *DB) LoginSucceeded(ctx context.Context, a LoginAttempt, clear ...string) error {
	return db.Update(ctx, func(tx *Tx) error {
		for _, id := range a.ids {
			if _, err := tx.tx.ExecContext(ctx, `DELETE FROM login_failures WHERE id = ?`, id); err != nil {
				return err
			}
		}
		for _, k := range clear {
			if _, err := tx.tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ?`, k); err != nil {
				return err
			}
		}
		return nil
	})
}
