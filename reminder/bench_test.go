package reminder_test

import (
	"context"
	"testing"
)

// MustOpenCases inserts n open Validasi NIK cases filed on Wednesday 25 November 2026 at 09:00
// (stage deadline 09:30), each from its own phone.
func (e *env) MustOpenCases(n int) {
	e.tb.Helper()
	db := e.db.SQL()
	if _, err := db.Exec(`INSERT INTO residents (phone, created_at) VALUES ('6280000000000', '2026-11-25T02:00:00.000Z')`); err != nil {
		e.tb.Fatal(err)
	}
	_, err := db.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO cases (number, account, chat, resident_id, service, stage, due_at, created_at, updated_at,
			stage_at, stage_due_at)
		SELECT printf('NIK-261125-%05d', i), 'nik', printf('6281%09d', i), 1, 'validasi_nik', 'submitted',
			'2026-11-25T02:30:00.000Z', '2026-11-25T02:00:00.000Z', '2026-11-25T02:00:00.000Z',
			'2026-11-25T02:00:00.000Z', '2026-11-25T02:30:00.000Z' FROM n`, n)
	if err != nil {
		e.tb.Fatal(err)
	}
}

// BenchmarkScan measures one scan over 10,000 open cases: when nothing is due (most minutes),
// when all are late and already reminded, and the first scan after all became late (10,000
// reminders recorded, one grouped message to the group and an update to each resident).
func BenchmarkScan(b *testing.B) {
	const cases = 10000
	ctx := context.Background()
	b.Run("nothing_due", func(b *testing.B) {
		e := newEnv(b, "2026-11-25 09:05")
		e.MustOpenCases(cases)
		now := e.at("2026-11-25 09:05")
		for b.Loop() {
			if msgs, err := e.sched.Scan(ctx, now); err != nil || len(msgs) != 0 {
				b.Fatalf("scan: %d messages, %v", len(msgs), err)
			}
		}
	})
	b.Run("all_late_already_sent", func(b *testing.B) {
		e := newEnv(b, "2026-11-25 09:35")
		e.MustOpenCases(cases)
		now := e.at("2026-11-25 09:35")
		if _, err := e.sched.Scan(ctx, now); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if msgs, err := e.sched.Scan(ctx, now); err != nil || len(msgs) != 0 {
				b.Fatalf("scan: %d messages, %v", len(msgs), err)
			}
		}
	})
	b.Run("all_late_first_scan", func(b *testing.B) {
		e := newEnv(b, "2026-11-25 09:35")
		e.MustOpenCases(cases)
		now := e.at("2026-11-25 09:35")
		for b.Loop() {
			b.StopTimer()
			for _, q := range []string{`DELETE FROM reminders`, `DELETE FROM outbox`, `DELETE FROM messages`} {
				if _, err := e.db.SQL().Exec(q); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
			msgs, err := e.sched.Scan(ctx, now)
			if err != nil || len(msgs) != cases+1 {
				b.Fatalf("scan: %d messages, %v; want %d", len(msgs), err, cases+1)
			}
		}
	})
}
