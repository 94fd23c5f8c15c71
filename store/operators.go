package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/lifecycle"
)

const operatorColumns = `id, name, COALESCE(phone, ''), roles, password_hash, active`

func scanOperator(sc interface{ Scan(...any) error }) (ketanmu.Operator, error) {
	var op ketanmu.Operator
	var roles string
	if err := sc.Scan(&op.ID, &op.Name, &op.Phone, &roles, &op.PasswordHash, &op.Active); err != nil {
		return op, err
	}
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			op.Roles = append(op.Roles, ketanmu.Role(r))
		}
	}
	return op, nil
}

func joinRoles(roles []ketanmu.Role) string {
	return strings.Join(lifecycle.Keys(roles), ",")
}

// SeedOperators makes the operators table follow the config: each configured operator is
// inserted or updated by name (phone and roles; a password or tokens set meanwhile stay), and
// operators no longer configured are deactivated, keeping their history.
func (db *DB) SeedOperators(ctx context.Context, ops []ketanmu.Operator) error {
	return db.Update(ctx, func(tx *Tx) error {
		now := formatTime(tx.now)
		if _, err := tx.tx.ExecContext(ctx, `UPDATE operators SET active = 0, phone = NULL, updated_at = ? WHERE active = 1`, now); err != nil {
			return fmt.Errorf("seed operators: %w", err)
		}
		for _, op := range ops {
			_, err := tx.tx.ExecContext(ctx, `INSERT INTO operators (name, phone, roles, active, created_at, updated_at)
				VALUES (?, ?, ?, 1, ?, ?)
				ON CONFLICT (name) DO UPDATE SET phone = excluded.phone, roles = excluded.roles, active = 1,
					updated_at = excluded.updated_at`,
				op.Name, nullString(op.Phone), joinRoles(op.Roles), now, now)
			if err != nil {
				return fmt.Errorf("seed operator %s: %w", op.Name, err)
			}
		}
		return nil
	})
}

// OperatorByName finds an active operator by name.
func (tx *Tx) OperatorByName(name string) (ketanmu.Operator, error) {
	op, err := scanOperator(tx.tx.QueryRowContext(tx.ctx, `SELECT `+operatorColumns+` FROM operators
		WHERE name = ? AND active = 1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return op, ketanmu.Errorf(ketanmu.ENOTFOUND, "petugas %q tidak dikenal", name)
	}
	return op, err
}

// OperatorByPhone finds an active operator by phone (628…).
func (tx *Tx) OperatorByPhone(phone string) (ketanmu.Operator, bool, error) {
	op, err := scanOperator(tx.tx.QueryRowContext(tx.ctx, `SELECT `+operatorColumns+` FROM operators
		WHERE phone = ? AND active = 1`, phone))
	if errors.Is(err, sql.ErrNoRows) {
		return op, false, nil
	}
	return op, err == nil, err
}

// Operators lists the active operators by name.
func (tx *Tx) Operators() ([]ketanmu.Operator, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+operatorColumns+` FROM operators WHERE active = 1 ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list operators: %w", err)
	}
	defer rows.Close()
	var out []ketanmu.Operator
	for rows.Next() {
		op, err := scanOperator(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, op)
	}
	return out, rows.Err()
}

// SetPassword stores an operator's password hash.
func (tx *Tx) SetPassword(operatorID int64, hash string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE operators SET password_hash = ?, updated_at = ? WHERE id = ?`,
		hash, formatTime(tx.now), operatorID)
	return err
}

// HashToken is how API tokens are kept: their SHA-256. Tokens are long random strings, so a
// slow hash would add nothing.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// APIToken is a personal API token's record (never the token itself).
type APIToken struct {
	ID        int64
	Operator  string
	Label     string
	CreatedAt time.Time
	LastUsed  time.Time
	Revoked   time.Time
}

// AddToken stores the hash of a new token of an operator and returns its id.
func (tx *Tx) AddToken(operatorID int64, token, label string) (int64, error) {
	res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO api_tokens (operator_id, token_hash, label, created_at)
		VALUES (?, ?, ?, ?)`, operatorID, HashToken(token), label, formatTime(tx.now))
	if err != nil {
		return 0, fmt.Errorf("add token: %w", err)
	}
	return res.LastInsertId()
}

// RevokeTokens revokes an operator's tokens: the one with id, or all when id is 0. It returns how
// many were revoked.
func (tx *Tx) RevokeTokens(operatorID, id int64) (int64, error) {
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE api_tokens SET revoked_at = ?
		WHERE operator_id = ? AND (id = ? OR ? = 0) AND revoked_at = ''`, formatTime(tx.now), operatorID, id, id)
	if err != nil {
		return 0, fmt.Errorf("revoke tokens: %w", err)
	}
	return res.RowsAffected()
}

// Tokens lists an operator's tokens, newest first.
func (tx *Tx) Tokens(operatorID int64) ([]APIToken, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT t.id, o.name, t.label, t.created_at, t.last_used_at, t.revoked_at
		FROM api_tokens t JOIN operators o ON o.id = t.operator_id WHERE t.operator_id = ? ORDER BY t.id DESC`, operatorID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var created, used, revoked string
		if err := rows.Scan(&t.ID, &t.Operator, &t.Label, &created, &used, &revoked); err != nil {
			return nil, err
		}
		t.CreatedAt, t.LastUsed, t.Revoked = parseTime(created), parseTime(used), parseTime(revoked)
		out = append(out, t)
	}
	return out, rows.Err()
}

// OperatorByToken finds the active operator owning an unrevoked token, and records its use.
func (db *DB) OperatorByToken(ctx context.Context, token string) (ketanmu.Operator, bool, error) {
	var op ketanmu.Operator
	var tokenID int64
	var lastUsed string
	err := db.View(ctx, func(tx *Tx) error {
		err := tx.tx.QueryRowContext(ctx, `SELECT t.id, t.last_used_at, o.id FROM api_tokens t
			JOIN operators o ON o.id = t.operator_id
			WHERE t.token_hash = ? AND t.revoked_at = '' AND o.active = 1`, HashToken(token)).Scan(&tokenID, &lastUsed, &op.ID)
		if err != nil {
			return err
		}
		op, err = scanOperator(tx.tx.QueryRowContext(ctx, `SELECT `+operatorColumns+` FROM operators WHERE id = ?`, op.ID))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return op, false, nil
	} else if err != nil {
		return op, false, fmt.Errorf("find token: %w", err)
	}
	// The last use is recorded to the minute: a read of the API does not take the writer's lock
	// on every request.
	if now := db.Now(); now.Sub(parseTime(lastUsed)) >= time.Minute {
		err = db.Update(ctx, func(tx *Tx) error {
			_, err := tx.tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, formatTime(tx.now), tokenID)
			return err
		})
	}
	return op, true, err
}

// Audit records an action in the audit log.
func (tx *Tx) Audit(a ketanmu.Audit) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO audit_log (at, actor, action, case_id, document_id, detail)
		VALUES (?, ?, ?, ?, ?, ?)`, formatTime(tx.now), a.Actor, a.Action, nullInt(a.CaseID), nullInt(a.DocumentID), a.Detail)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// CaseAudit lists the audit log of a case, oldest first.
func (tx *Tx) CaseAudit(caseID int64) ([]ketanmu.Audit, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT actor, action, COALESCE(case_id, 0), COALESCE(document_id, 0), detail, at
		FROM audit_log WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("case audit: %w", err)
	}
	defer rows.Close()
	var out []ketanmu.Audit
	for rows.Next() {
		var a ketanmu.Audit
		var at string
		if err := rows.Scan(&a.Actor, &a.Action, &a.CaseID, &a.DocumentID, &a.Detail, &at); err != nil {
			return nil, err
		}
		a.At = parseTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

func nullInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }
