package store

import (
	"context"
	"fmt"
	"time"
)

// SKMInvite is a survey invitation for a case just done.
type SKMInvite struct {
	CaseID, ResidentID int64
	Account, Service   string
}

// SKMInvitable reports whether the resident of a case may be invited to the satisfaction
// survey: the case was never surveyed and the resident was not invited since since.
func (tx *Tx) SKMInvitable(caseID, residentID int64, since time.Time) (bool, error) {
	var n int
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM skm_responses
		WHERE case_id = ? OR (resident_id = ? AND invited_at >= ?)`, caseID, residentID, formatTime(since)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("survey invitable: %w", err)
	}
	return n == 0, nil
}

// AddSKMInvite records an invitation; a second one for the same case changes nothing (the
// unique case_id keeps the first).
func (tx *Tx) AddSKMInvite(inv SKMInvite) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO skm_responses (case_id, resident_id, account, service, invited_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id) DO NOTHING`,
		inv.CaseID, inv.ResidentID, inv.Account, inv.Service, formatTime(tx.now))
	if err != nil {
		return fmt.Errorf("survey invite: %w", err)
	}
	return nil
}

// SetSKMAnswer records the answer score (1..4) to element (1..9) of the survey of case number.
// A survey no longer linked to its case (erased by retention) takes nothing.
func (tx *Tx) SetSKMAnswer(number string, element, score int) error {
	if element < 1 || element > 9 || score < 1 || score > 4 {
		return fmt.Errorf("survey answer U%d = %d: out of range", element, score)
	}
	col := fmt.Sprintf("u%d", element) // a number 1..9 checked above, never input text
	return tx.updateSKM(number, `UPDATE skm_responses SET `+col+` = ?, answered_at = ?
		WHERE case_id = (SELECT id FROM cases WHERE number = ?)`, score, formatTime(tx.now), number)
}

// SetSKMSuggestion records the survey's free-text suggestion for case number.
func (tx *Tx) SetSKMSuggestion(number, text string) error {
	return tx.updateSKM(number, `UPDATE skm_responses SET suggestion = ?, answered_at = ?
		WHERE case_id = (SELECT id FROM cases WHERE number = ?)`, text, formatTime(tx.now), number)
}

func (tx *Tx) updateSKM(number, query string, args ...any) error {
	if _, err := tx.tx.ExecContext(tx.ctx, query, args...); err != nil {
		return fmt.Errorf("survey of %s: %w", number, err)
	}
	return nil
}

// SKMResponse is one survey's answers, with nothing that says whose they are.
type SKMResponse struct {
	Account, Service string
	Scores           [9]int
	Suggestion       string
	InvitedAt        time.Time
	AnsweredAt       time.Time // zero when nothing was answered
}

// SKMResponses returns the surveys whose invitation fell in [from, to), newest answer first.
func (db *DB) SKMResponses(ctx context.Context, from, to time.Time) ([]SKMResponse, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT account, service, u1, u2, u3, u4, u5, u6, u7, u8, u9, suggestion,
		invited_at, answered_at FROM skm_responses WHERE invited_at >= ? AND invited_at < ?
		ORDER BY answered_at DESC, id DESC`, formatTime(from), formatTime(to))
	if err != nil {
		return nil, fmt.Errorf("survey responses: %w", err)
	}
	defer rows.Close()
	var out []SKMResponse
	for rows.Next() {
		var r SKMResponse
		var invited, answered string
		s := &r.Scores
		if err := rows.Scan(&r.Account, &r.Service, &s[0], &s[1], &s[2], &s[3], &s[4], &s[5], &s[6], &s[7], &s[8],
			&r.Suggestion, &invited, &answered); err != nil {
			return nil, fmt.Errorf("survey responses: %w", err)
		}
		r.InvitedAt, r.AnsweredAt = parseTime(invited), parseTime(answered)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Served is one resident served by a service through a number: a case of theirs was done.
type Served struct {
	Account, Service string
	Resident         int64 // an opaque key, only to count people once
}

// ServedResidents returns, once each, the residents whose cases were done in [from, to), per
// number and service: the population the survey's sample is measured against.
func (db *DB) ServedResidents(ctx context.Context, from, to time.Time) ([]Served, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT DISTINCT account, service, resident_id FROM cases
		WHERE stage = 'done' AND closed_at >= ? AND closed_at < ? `, formatTime(from), formatTime(to))
	if err != nil {
		return nil, fmt.Errorf("served residents: %w", err)
	}
	defer rows.Close()
	var out []Served
	for rows.Next() {
		var s Served
		if err := rows.Scan(&s.Account, &s.Service, &s.Resident); err != nil {
			return nil, fmt.Errorf("served residents: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// purgeSKM erases the suggestions older than the retention cutoff, like messages, and unlinks
// the surveys of cases whose personal data is erased from their case and resident.
func (tx *Tx) purgeSKM(r Retention) (int64, error) {
	n, err := tx.exec("purge survey suggestions", `UPDATE skm_responses SET suggestion = ''
		WHERE suggestion != '' AND answered_at < :closed`, r)
	if err != nil {
		return 0, err
	}
	_, err = tx.exec("unlink surveys", `UPDATE skm_responses SET case_id = NULL, resident_id = NULL
		WHERE case_id IN (SELECT id FROM cases WHERE erased_at != '')`, r)
	return n, err
}
