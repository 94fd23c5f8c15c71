package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu"
)

// SLACase is an open case whose stage clock runs, with the reminders already sent about it.
// Its Details, NIK and Name are not read.
type SLACase struct {
	ketanmu.Case
	// Sent maps a reminder kind to the highest level sent about the current stage entry (for
	// once-per-case kinds: about the case). A kind never sent is absent.
	Sent map[string]int
	// Count maps a kind to how many reminders of it were sent about the same entry: a repeat
	// that a long silence skipped has a higher level than its number.
	Count map[string]int
}

// Reminder names one reminder about a case.
type Reminder struct {
	CaseID int64
	Kind   string
	// Stage and StageAt name the stage entry it is about; both are empty for a reminder sent
	// once per case.
	Stage   string
	StageAt time.Time
	Level   int
}

// running selects open cases whose stage has a deadline and whose clock is not paused (the case
// waits on the resident). The first term matches the cases_open partial index.
const running = `c.closed_at = '' AND c.clock_paused = 0 AND c.stage_due_at != ''`

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// SLACases returns every case whose stage clock runs, oldest first, with the reminders sent.
// It reads outside any write transaction, so that a scan finding nothing due blocks no one.
func (db *DB) SLACases(ctx context.Context) ([]SLACase, error) {
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases c WHERE `+running).Scan(&n); err != nil {
		return nil, fmt.Errorf("sla cases: %w", err)
	}
	return slaCases(ctx, db.db, n, running)
}

// SLACases returns the cases ids, if their stage clock still runs, as they are inside tx.
func (tx *Tx) SLACases(ids []int64) ([]SLACase, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	return slaCases(tx.ctx, tx.tx, len(ids), running+` AND c.id IN (SELECT value FROM json_each(?))`, string(list))
}

// slaCases reads only what deadlines and reminders need: the scan reads every open case each
// minute, and the details' JSON is most of a row.
// capacity is how many rows to expect: a Case is large, and growing 10,000 of them by appending
// was a third of a scan's time.
func slaCases(ctx context.Context, q querier, capacity int, where string, args ...any) ([]SLACase, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.number, c.account, c.chat, c.resident_id, c.service, c.stage,
		c.assignee, c.due_at, c.created_at, c.stage_at, c.stage_due_at, c.paused_ms
		FROM cases c WHERE `+where+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sla cases: %w", err)
	}
	out := make([]SLACase, 0, capacity)
	index := make(map[int64]int, capacity)
	for rows.Next() {
		var c SLACase
		var due, created, stageAt, stageDue string
		var pausedMS int64
		if err := rows.Scan(&c.ID, &c.Number, &c.Account, &c.Chat, &c.ResidentID, &c.Service, &c.Stage, &c.Assignee,
			&due, &created, &stageAt, &stageDue, &pausedMS); err != nil {
			rows.Close()
			return nil, err
		}
		c.Due, c.CreatedAt = parseTime(due), parseTime(created)
		c.StageAt, c.StageDue = parseTime(stageAt), parseTime(stageDue)
		c.Paused = time.Duration(pausedMS) * time.Millisecond
		index[c.ID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = q.QueryContext(ctx, `SELECT r.case_id, r.kind, MAX(r.level), COUNT(*) FROM reminders r
		JOIN cases c ON c.id = r.case_id
		WHERE `+where+` AND ((r.stage = c.stage AND r.stage_at = c.stage_at) OR r.stage = '')
		GROUP BY r.case_id, r.kind`, args...)
	if err != nil {
		return nil, fmt.Errorf("sla reminders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind string
		var level, count int
		if err := rows.Scan(&id, &kind, &level, &count); err != nil {
			return nil, err
		}
		i, ok := index[id]
		if !ok {
			continue
		}
		if out[i].Sent == nil {
			out[i].Sent, out[i].Count = map[string]int{}, map[string]int{}
		}
		out[i].Sent[kind], out[i].Count[kind] = level, count
	}
	return out, rows.Err()
}

// RecordReminder records r as sent and reports whether it is new: false means another scan
// already sent it, and the caller must not queue it again.
func (tx *Tx) RecordReminder(r Reminder) (bool, error) {
	res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO reminders (case_id, kind, stage, stage_at, level, sent_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		r.CaseID, r.Kind, r.Stage, optTime(r.StageAt), r.Level, formatTime(tx.now))
	if err != nil {
		return false, fmt.Errorf("record reminder: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RecordDigest records the digest of an account for its scheduled time and reports whether it
// is new.
func (tx *Tx) RecordDigest(account string, at time.Time) (bool, error) {
	res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO digests (account, due_at, sent_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, account, formatTime(at), formatTime(tx.now))
	if err != nil {
		return false, fmt.Errorf("record digest: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CaseTimes is what the SLA report reads of a case.
type CaseTimes struct {
	Number, Service                string
	Stage                          ketanmu.Stage
	Created, Closed, Due, StageDue time.Time
}

// ReportCases returns the cases opened or closed in [from, to).
func (db *DB) ReportCases(ctx context.Context, from, to time.Time) ([]CaseTimes, error) {
	f, t := formatTime(from), formatTime(to)
	return caseTimes(ctx, db.db, `(c.created_at >= ? AND c.created_at < ?) OR (c.closed_at >= ? AND c.closed_at < ?)`,
		f, t, f, t)
}

// LateCases returns the open cases whose stage deadline passed before now; a case in
// needs_fix is not late, its clock is paused.
func (db *DB) LateCases(ctx context.Context, now time.Time) ([]CaseTimes, error) {
	return caseTimes(ctx, db.db, running+` AND c.stage_due_at < ?`, formatTime(now))
}

func caseTimes(ctx context.Context, q querier, where string, args ...any) ([]CaseTimes, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.number, c.service, c.stage, c.created_at, c.closed_at, c.due_at,
		c.stage_due_at FROM cases c WHERE `+where+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("report cases: %w", err)
	}
	defer rows.Close()
	var out []CaseTimes
	for rows.Next() {
		var c CaseTimes
		var created, closed, due, stageDue string
		if err := rows.Scan(&c.Number, &c.Service, &c.Stage, &created, &closed, &due, &stageDue); err != nil {
			return nil, err
		}
		c.Created, c.Closed, c.Due, c.StageDue = parseTime(created), parseTime(closed), parseTime(due), parseTime(stageDue)
		out = append(out, c)
	}
	return out, rows.Err()
}

// StageVisit is one stay of a case in a stage, from the event that entered it to the next one.
type StageVisit struct {
	Service       string
	Stage         ketanmu.Stage
	Entered, Left time.Time
}

// StageVisits returns the stays in a stage that ended in [from, to).
func (db *DB) StageVisits(ctx context.Context, from, to time.Time) ([]StageVisit, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT c.service, v.stage, v.entered, v.left_at FROM (
			SELECT e.id, e.case_id, e.to_stage AS stage, e.at AS entered,
				LEAD(e.at) OVER (PARTITION BY e.case_id ORDER BY e.id) AS left_at
			FROM case_events e) v
		JOIN cases c ON c.id = v.case_id
		WHERE v.left_at >= ? AND v.left_at < ? ORDER BY v.id`, formatTime(from), formatTime(to))
	if err != nil {
		return nil, fmt.Errorf("stage visits: %w", err)
	}
	defer rows.Close()
	var out []StageVisit
	for rows.Next() {
		var v StageVisit
		var entered, left string
		if err := rows.Scan(&v.Service, &v.Stage, &entered, &left); err != nil {
			return nil, err
		}
		v.Entered, v.Left = parseTime(entered), parseTime(left)
		out = append(out, v)
	}
	return out, rows.Err()
}
