package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

// TestMigration020MarksUnknownPauses: the PAK POS cases migration 016 paused (they entered
// validated before it ran) are marked as having an unknown time left; a case paused since then
// keeps the time counted for it, even none (it was late).
func TestMigration020MarksUnknownPauses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ketanmu.db")
	db := MustOpen(t, path)
	now := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	move := func(number string, from, to ketanmu.Stage, paused time.Duration) {
		t.Helper()
		MustUpdate(t, db, func(tx *store.Tx) error {
			c, err := tx.CaseByNumber(number)
			if err != nil {
				return err
			}
			return tx.SetStage(c.ID, store.StageChange{From: from, To: to, Actor: "test", Paused: paused})
		})
	}
	var numbers []string
	for range 4 {
		MustUpdate(t, db, func(tx *store.Tx) error {
			rid, err := tx.Resident("6281234567890", "")
			if err != nil {
				return err
			}
			n, err := tx.CreateCase(store.NewCase{Account: "a", Chat: "6281234567890", ResidentID: rid, Prefix: "AKT",
				Service: "akta_kelahiran", Day: "261102", Due: now.Add(72 * time.Hour)})
			numbers = append(numbers, n)
			return err
		})
	}
	// Before 016: the clock ran in validated, nothing was kept.
	move(numbers[0], ketanmu.StageSubmitted, ketanmu.StageValidated, 0)
	move(numbers[1], ketanmu.StageSubmitted, ketanmu.StageValidated, 0)
	ran := now.Add(24 * time.Hour) // when 016 ran
	now = ran.Add(time.Hour)
	move(numbers[1], ketanmu.StageValidated, ketanmu.StageAwaitingFiles, 0) // the 0 016 left, carried on
	move(numbers[2], ketanmu.StageSubmitted, ketanmu.StageValidated, 0)     // paused late: stays late
	move(numbers[3], ketanmu.StageSubmitted, ketanmu.StageValidated, 5*time.Hour)
	if _, err := db.SQL().Exec(`UPDATE schema_migrations SET applied_at = ? WHERE version = 16`, ran.Format("2006-01-02T15:04:05.000Z")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`DELETE FROM schema_migrations WHERE version = 20`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = MustOpen(t, path)
	want := []time.Duration{lifecycle.PausedUnknown, lifecycle.PausedUnknown, 0, 5 * time.Hour}
	for i, n := range numbers {
		MustUpdate(t, db, func(tx *store.Tx) error {
			c, err := tx.CaseByNumber(n)
			if err != nil {
				return err
			}
			if c.Paused != want[i] {
				t.Errorf("%s (%s) paused = %s after migration 020, want %s", n, c.Stage, c.Paused, want[i])
			}
			return nil
		})
	}
}
