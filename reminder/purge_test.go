package reminder_test

import (
	"context"
	"testing"
	"time"
)

// TestPurgeAfterRetention: the scheduler's nightly purge erases a closed case's personal data
// once retention.after_close has passed since it closed, and not before: not at the night
// before, nor when retention ends in the office day, only at the 02:00 purge after it.
func TestPurgeAfterRetention(t *testing.T) {
	e := newEnv(t, "2026-11-25 09:00")
	number := e.nikCase("6281234567890")
	e.move(number, "done", "")
	nikOf := func() string {
		t.Helper()
		var nik string
		if err := e.db.SQL().QueryRow(`SELECT nik FROM cases WHERE number = ?`, number).Scan(&nik); err != nil {
			t.Fatal(err)
		}
		return nik
	}
	ctx := context.Background()
	if err := e.sched.RunDue(ctx, e.clock.Now().Add(e.cfg.Retention.AfterClose-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := nikOf(); got != "3516131204850003" {
		t.Fatalf("nik before retention ends = %q, want it kept", got)
	}
	// Retention ends at 09:00; the purge of 02:00 that day came before it.
	if err := e.sched.RunDue(ctx, e.clock.Now().Add(e.cfg.Retention.AfterClose+time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := nikOf(); got != "3516131204850003" {
		t.Fatalf("nik after retention but before the night's purge = %q, want it kept", got)
	}
	if err := e.sched.RunDue(ctx, e.clock.Now().Add(e.cfg.Retention.AfterClose+18*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, want := nikOf(), "351613********03"; got != want {
		t.Errorf("nik after retention = %q, want %q", got, want)
	}
}
