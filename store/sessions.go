package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu"
)

// Session is a signed-in operator of the workspace, as kept server-side.
type Session struct {
	Operator ketanmu.Operator
	CSRF     string
	Created  time.Time
	Seen     time.Time
}

// SessionState says what a session cookie turned out to be.
type SessionState int

// The states of a session cookie.
const (
	SessionNone    SessionState = iota // no such session (never was, or signed out)
	SessionValid                       // signed in
	SessionExpired                     // idle for too long: removed now
)

// CreateSession stores a new session of an operator under the hash of token.
func (db *DB) CreateSession(ctx context.Context, operatorID int64, token, csrf string) error {
	return db.Update(ctx, func(tx *Tx) error {
		now := formatTime(tx.now)
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO ops_sessions (token_hash, operator_id, csrf, created_at, seen_at)
			VALUES (?, ?, ?, ?, ?)`, HashToken(token), operatorID, csrf, now, now)
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
}

// SessionByToken finds the session of token. A session idle for longer than idle, or whose
// operator is no longer active, is removed and reported expired; a valid one is marked as seen
// when touch (a person's request, not a page refreshing itself).
func (db *DB) SessionByToken(ctx context.Context, token string, idle time.Duration, touch bool) (Session, SessionState, error) {
	var s Session
	state := SessionNone
	err := db.Update(ctx, func(tx *Tx) error {
		var opID int64
		var created, seen string
		err := tx.tx.QueryRowContext(ctx, `SELECT operator_id, csrf, created_at, seen_at FROM ops_sessions
			WHERE token_hash = ?`, HashToken(token)).Scan(&opID, &s.CSRF, &created, &seen)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return fmt.Errorf("find session: %w", err)
		}
		s.Created, s.Seen = parseTime(created), parseTime(seen)
		op, err := scanOperator(tx.tx.QueryRowContext(ctx, `SELECT `+operatorColumns+` FROM operators
			WHERE id = ? AND active = 1`, opID))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && tx.now.Sub(s.Seen) >= idle) {
			state = SessionExpired
			_, err = tx.tx.ExecContext(ctx, `DELETE FROM ops_sessions WHERE token_hash = ?`, HashToken(token))
			return err
		} else if err != nil {
			return err
		}
		s.Operator, state = op, SessionValid
		if !touch {
			return nil
		}
		_, err = tx.tx.ExecContext(ctx, `UPDATE ops_sessions SET seen_at = ? WHERE token_hash = ?`,
			formatTime(tx.now), HashToken(token))
		return err
	})
	if err != nil {
		return Session{}, SessionNone, err
	}
	return s, state, nil
}

// DeleteSession signs a session out.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `DELETE FROM ops_sessions WHERE token_hash = ?`, HashToken(token))
		return err
	})
}

// OperatorNamed finds an active operator by name.
func (db *DB) OperatorNamed(ctx context.Context, name string) (ketanmu.Operator, error) {
	var op ketanmu.Operator
	err := db.View(ctx, func(tx *Tx) (err error) {
		op, err = tx.OperatorByName(name)
		return err
	})
	return op, err
}

// SetOperatorPassword stores the password hash of the operator called name and signs every
// session of theirs out.
func (db *DB) SetOperatorPassword(ctx context.Context, name, hash string) error {
	return db.Update(ctx, func(tx *Tx) error {
		op, err := tx.OperatorByName(name)
		if err != nil {
			return err
		}
		if err := tx.SetPassword(op.ID, hash); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `DELETE FROM ops_sessions WHERE operator_id = ?`, op.ID)
		return err
	})
}

// LoginFailure records a failed login under each key (the name tried, the address it came from).
func (db *DB) LoginFailure(ctx context.Context, keys ...string) error {
	return db.Update(ctx, func(tx *Tx) error {
		for _, k := range keys {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES (?, ?)`,
				k, formatTime(tx.now)); err != nil {
				return fmt.Errorf("record login failure: %w", err)
			}
		}
		// Old failures say nothing any more.
		_, err := tx.tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at < ?`, formatTime(tx.now.Add(-24*time.Hour)))
		return err
	})
}

// LoginFailures counts the failed logins under key since the given time.
func (db *DB) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := db.ro.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?`,
		key, formatTime(since)).Scan(&n)
	return n, err
}

// ClearLoginFailures forgets the failed logins under key (after a successful one).
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ?`, key)
		return err
	})
}
