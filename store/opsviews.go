package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
)

// OutboxDepth counts the messages waiting to be sent, per account.
func (db *DB) OutboxDepth(ctx context.Context) (map[string]int, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT account, COUNT(*) FROM outbox WHERE status = 'pending' GROUP BY account`)
	if err != nil {
		return nil, fmt.Errorf("outbox depth: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var acc string
		var n int
		if err := rows.Scan(&acc, &n); err != nil {
			return nil, err
		}
		out[acc] = n
	}
	return out, rows.Err()
}

// ChangeMark is a value that changes whenever a case, its history, notes, audit, any chat
// message, a chat's need of a person or who has a case open changes: watchers compare it to know when to look again.
// (Requests only ever close after they open, so their newest id and open count never repeat.)
func (db *DB) ChangeMark(ctx context.Context) (string, error) {
	var events, audit, notes, messages, cases, chats, chatsOpen, viewers int64
	err := db.ro.QueryRowContext(ctx, `SELECT
		(SELECT IFNULL(MAX(id), 0) FROM case_events), (SELECT IFNULL(MAX(id), 0) FROM audit_log),
		(SELECT IFNULL(MAX(id), 0) FROM case_notes), (SELECT IFNULL(MAX(id), 0) FROM messages),
		(SELECT IFNULL(MAX(id), 0) FROM cases), (SELECT IFNULL(MAX(id), 0) FROM chat_requests),
		(SELECT COUNT(*) FROM chat_requests WHERE closed_at = ''), (SELECT IFNULL(MAX(id), 0) FROM case_viewers)`).
		Scan(&events, &audit, &notes, &messages, &cases, &chats, &chatsOpen, &viewers)
	if err != nil {
		return "", fmt.Errorf("change mark: %w", err)
	}
	return fmt.Sprintf("%d.%d.%d.%d.%d.%d.%d.%d", events, audit, notes, messages, cases, chats, chatsOpen, viewers), nil
}

// AuditFilter selects lines of the audit log; zero fields match everything.
type AuditFilter struct {
	Actor    string
	Action   string
	Number   string // a case's registration number
	From, To time.Time
	// Services limits the lines about cases to these services; nil: every one.
	Services []string
	Limit    int
}

// AuditLog lists the audit log, newest first.
func (db *DB) AuditLog(ctx context.Context, f AuditFilter) ([]ketanmu.AuditEntry, error) {
	var where []string
	var args []any
	add := func(cond string, v ...any) { where = append(where, cond); args = append(args, v...) }
	if f.Actor != "" {
		add(`a.actor = ?`, f.Actor)
	}
	if f.Action != "" {
		add(`a.action = ?`, f.Action)
	}
	if f.Number != "" {
		add(`c.number = ?`, f.Number)
	}
	if !f.From.IsZero() {
		add(`a.at >= ?`, formatTime(f.From))
	}
	if !f.To.IsZero() {
		add(`a.at < ?`, formatTime(f.To))
	}
	if f.Services != nil {
		ph := strings.TrimSuffix(strings.Repeat("?,", len(f.Services)), ",")
		cond := `(a.case_id IS NULL OR c.service IN (` + ph + `))`
		if len(f.Services) == 0 {
			cond = `a.case_id IS NULL`
		}
		vals := make([]any, len(f.Services))
		for i, s := range f.Services {
			vals[i] = s
		}
		add(cond, vals...)
	}
	q := `SELECT a.id, a.actor, a.action, IFNULL(a.case_id, 0), IFNULL(a.document_id, 0), a.detail, a.at,
		IFNULL(c.number, ''), IFNULL(c.service, ''),
		IFNULL((SELECT d.doc_key FROM case_documents d WHERE d.id = a.document_id), '')
		FROM audit_log a LEFT JOIN cases c ON c.id = a.case_id`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	q += fmt.Sprintf(` ORDER BY a.id DESC LIMIT %d`, f.Limit)
	rows, err := db.ro.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	out := []ketanmu.AuditEntry{}
	for rows.Next() {
		var e ketanmu.AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &e.Actor, &e.Action, &e.CaseID, &e.DocumentID, &e.Detail, &at, &e.Number, &e.Service, &e.DocKey); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
