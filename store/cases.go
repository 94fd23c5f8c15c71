package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu"
)

// NewCase is what the router stores when a flow submits an application.
type NewCase struct {
	Account    string
	Chat       string
	ResidentID int64
	Prefix     string
	Service    string
	Subtype    string
	NIK        string
	Name       string
	Details    map[string]string
	Due        time.Time
	StageDue   time.Time // deadline of the first stage
	Documents  []CaseDocument
	// Day is the office-local date the number carries (YYMMDD).
	Day string
	// Actor is who the first event is recorded under (the resident).
	Actor string
}

// CaseDocument names a stored photo by the message that carried it.
type CaseDocument struct {
	Key       string
	MessageID string
}

// CreateCase allocates the next registration number of the prefix for the day, stores the
// case, its first event and its documents, and returns the number.
func (tx *Tx) CreateCase(c NewCase) (string, error) {
	var n int
	err := tx.tx.QueryRowContext(tx.ctx, `INSERT INTO counters (prefix, day, n) VALUES (?, ?, 1)
		ON CONFLICT (prefix, day) DO UPDATE SET n = n + 1 RETURNING n`, c.Prefix, c.Day).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("allocate number: %w", err)
	}
	if n > 9999 {
		return "", fmt.Errorf("allocate number: more than 9999 cases for %s on %s", c.Prefix, c.Day)
	}
	number := fmt.Sprintf("%s-%s-%04d", c.Prefix, c.Day, n)
	details, err := json.Marshal(c.Details)
	if err != nil {
		return "", err
	}
	due := ""
	if !c.Due.IsZero() {
		due = formatTime(c.Due)
	}
	now := formatTime(tx.now)
	res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO cases (number, account, chat, resident_id, service, subtype,
		nik, name, details, due_at, created_at, updated_at, stage_at, stage_due_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		number, c.Account, c.Chat, c.ResidentID, c.Service, c.Subtype, c.NIK, c.Name, string(details), due, now, now,
		now, optTime(c.StageDue))
	if err != nil {
		return "", fmt.Errorf("insert case: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return "", err
	}
	if err := tx.AddCaseEvent(id, ketanmu.CaseEvent{To: ketanmu.StageSubmitted, Actor: c.Actor}); err != nil {
		return "", err
	}
	for _, d := range c.Documents {
		var mediaID int64
		err := tx.tx.QueryRowContext(tx.ctx, `SELECT media_id FROM messages WHERE account = ? AND chat = ? AND wa_id = ?
			AND media_id IS NOT NULL`, c.Account, c.Chat, d.MessageID).Scan(&mediaID)
		if errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("document %s: message %s has no stored media", d.Key, d.MessageID)
		} else if err != nil {
			return "", err
		}
		if _, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO case_documents (case_id, doc_key, media_id, created_at)
			VALUES (?, ?, ?, ?)`, id, d.Key, mediaID, now); err != nil {
			return "", fmt.Errorf("insert document: %w", err)
		}
	}
	return number, nil
}

// AddCaseEvent records a transition of case id.
func (tx *Tx) AddCaseEvent(id int64, ev ketanmu.CaseEvent) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO case_events (case_id, from_stage, to_stage, actor, reason, tracking, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, ev.From, ev.To, ev.Actor, ev.Reason, ev.Tracking, formatTime(tx.now))
	if err != nil {
		return fmt.Errorf("insert case event: %w", err)
	}
	return nil
}

// ResidentCases returns a resident's cases, newest first, with their history and queue place.
func (tx *Tx) ResidentCases(residentID int64, limit int) ([]ketanmu.Case, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+caseColumns+`,
			CASE WHEN c.stage = ?1 THEN
				(SELECT COUNT(*) FROM cases q WHERE q.service = c.service AND q.stage = ?1 AND q.id <= c.id)
			ELSE 0 END
		FROM cases c WHERE c.resident_id = +?2 ORDER BY c.id DESC`, ketanmu.StageSubmitted, residentID)
	if err != nil {
		return nil, err
	}
	var cases []ketanmu.Case
	for len(cases) < limit && rows.Next() { // no LIMIT ?: see "Parameters" in store.go
		var c ketanmu.Case
		var queue int
		if err := scanCase(scanPlus{rows, &queue}, &c); err != nil {
			rows.Close()
			return nil, err
		}
		c.Queue = queue
		cases = append(cases, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range cases {
		if cases[i].Events, err = tx.caseEvents(cases[i].ID); err != nil {
			return nil, err
		}
	}
	return cases, nil
}

// scanPlus scans a case row followed by one extra column.
type scanPlus struct {
	rows  *sql.Rows
	extra any
}

func (s scanPlus) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra)...) }

func (tx *Tx) caseEvents(id int64) ([]ketanmu.CaseEvent, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT from_stage, to_stage, actor, reason, tracking, at
		FROM case_events WHERE case_id = +? ORDER BY id`, id) // +?: "Parameters", store.go
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ketanmu.CaseEvent
	for rows.Next() {
		var ev ketanmu.CaseEvent
		var at string
		if err := rows.Scan(&ev.From, &ev.To, &ev.Actor, &ev.Reason, &ev.Tracking, &at); err != nil {
			return nil, err
		}
		ev.At = parseTime(at)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// MarkNeedsHuman records that the resident of a chat asked for a person.
func (tx *Tx) MarkNeedsHuman(account, chat string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE conversations SET needs_human_at = ? WHERE account = ? AND chat = ?`,
		formatTime(tx.now), account, chat)
	return err
}
