package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/store"
)

// slaDB is a fresh database whose clock the test sets.
type slaDB struct {
	*store.DB
	mu  sync.Mutex
	now time.Time
}

func newSLADB(tb testing.TB) *slaDB {
	tb.Helper()
	s := &slaDB{now: time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)}
	s.DB = testfix.TempDB(tb, func() time.Time {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.now
	})
	return s
}

func (s *slaDB) set(t time.Time) {
	s.mu.Lock()
	s.now = t
	s.mu.Unlock()
}

func (s *slaDB) update(tb testing.TB, fn func(*store.Tx) error) {
	tb.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		tb.Fatal(err)
	}
}

// newCase files a case with a stage deadline d after the clock and returns its id.
func (s *slaDB) newCase(tb testing.TB, d time.Duration) (id int64, number string) {
	tb.Helper()
	s.update(tb, func(tx *store.Tx) error {
		rid, err := tx.Resident("6281234567890", "")
		if err != nil {
			return err
		}
		number, err = tx.CreateCase(store.NewCase{Account: "nik", Chat: "6281234567890", ResidentID: rid, Prefix: "NIK",
			Service: "validasi_nik", Day: "261125", StageDue: tx.Now().Add(d), Due: tx.Now().Add(d)})
		if err != nil {
			return err
		}
		c, err := tx.CaseByNumber(number)
		id = c.ID
		return err
	})
	return id, number
}

func (s *slaDB) mustSLACases(tb testing.TB) []store.SLACase {
	tb.Helper()
	cases, err := s.SLACases(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return cases
}

func TestRecordReminder(t *testing.T) {
	db := newSLADB(t)
	id, _ := db.newCase(t, 30*time.Minute)
	cases := db.mustSLACases(t)
	if len(cases) != 1 || cases[0].ID != id || len(cases[0].Sent) != 0 {
		t.Fatalf("SLACases = %+v, want the new case with nothing sent", cases)
	}
	c := cases[0]
	record := func(r store.Reminder) (fresh bool) {
		db.update(t, func(tx *store.Tx) (err error) {
			fresh, err = tx.RecordReminder(r)
			return err
		})
		return fresh
	}
	breach := store.Reminder{CaseID: id, Kind: "breach", Stage: string(c.Stage), StageAt: c.StageAt}
	if !record(breach) {
		t.Errorf("first breach: fresh = false, want true")
	}
	if record(breach) {
		t.Errorf("same breach again: fresh = true, want false")
	}
	breach.Level = 2
	if !record(breach) {
		t.Errorf("repeat 2: fresh = false, want true")
	}
	if !record(store.Reminder{CaseID: id, Kind: "resident"}) {
		t.Errorf("resident update: fresh = false, want true")
	}
	got := db.mustSLACases(t)[0].Sent
	if len(got) != 2 || got["breach"] != 2 || got["resident"] != 0 {
		t.Errorf("Sent = %v, want breach 2 and resident 0", got)
	}

	// Back in the stage later: a new stay, reminded afresh; the resident was told once per case.
	db.set(db.now.Add(time.Hour))
	db.update(t, func(tx *store.Tx) error {
		if err := tx.SetStage(id, store.StageChange{From: "submitted", To: "needs_fix", Actor: "t"}); err != nil {
			return err
		}
		return tx.SetStage(id, store.StageChange{From: "needs_fix", To: "submitted", Actor: "t", StageDue: tx.Now().Add(time.Hour)})
	})
	again := db.mustSLACases(t)
	if len(again) != 1 {
		t.Fatalf("SLACases = %+v, want the case back", again)
	}
	if got := again[0].Sent; len(got) != 1 || got["resident"] != 0 {
		t.Errorf("Sent after re-entering = %v, want only the resident's update", got)
	}
}

func TestSLACasesSkipPausedAndClosed(t *testing.T) {
	db := newSLADB(t)
	running, _ := db.newCase(t, 30*time.Minute)
	paused, _ := db.newCase(t, 30*time.Minute)
	closed, _ := db.newCase(t, 30*time.Minute)
	noDeadline, _ := db.newCase(t, 0)
	db.update(t, func(tx *store.Tx) error {
		if err := tx.SetStage(paused, store.StageChange{From: "submitted", To: "needs_fix", Actor: "t"}); err != nil {
			return err
		}
		if err := tx.SetStage(closed, store.StageChange{From: "submitted", To: "done", Actor: "t"}); err != nil {
			return err
		}
		// A stage without a deadline in its profile.
		return tx.SetStage(noDeadline, store.StageChange{From: "submitted", To: "verifying", Actor: "t"})
	})
	cases := db.mustSLACases(t)
	if len(cases) != 1 || cases[0].ID != running {
		t.Errorf("SLACases = %+v, want only case %d", cases, running)
	}
	db.update(t, func(tx *store.Tx) error {
		got, err := tx.SLACases([]int64{running, paused, closed, 999})
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0].ID != running {
			t.Errorf("tx.SLACases = %+v, want only case %d", got, running)
		}
		return nil
	})
	late, err := db.LateCases(context.Background(), db.now.Add(31*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(late) != 1 {
		t.Errorf("LateCases = %+v, want the running case only (paused is not late)", late)
	}
}

func TestRecordDigest(t *testing.T) {
	db := newSLADB(t)
	at := time.Date(2026, 11, 26, 0, 30, 0, 0, time.UTC)
	for i, want := range []bool{true, false} {
		db.update(t, func(tx *store.Tx) error {
			fresh, err := tx.RecordDigest("nik", at)
			if fresh != want {
				t.Errorf("try %d: fresh = %v, want %v", i, fresh, want)
			}
			return err
		})
	}
}

func TestStageVisits(t *testing.T) {
	db := newSLADB(t)
	start := db.now
	id, number := db.newCase(t, 30*time.Minute)
	db.set(start.Add(10 * time.Minute))
	db.update(t, func(tx *store.Tx) error {
		return tx.SetStage(id, store.StageChange{From: "submitted", To: "verifying", Actor: "t"})
	})
	db.set(start.Add(25 * time.Minute))
	db.update(t, func(tx *store.Tx) error {
		return tx.SetStage(id, store.StageChange{From: "verifying", To: "done", Actor: "t"})
	})
	visits, err := db.StageVisits(context.Background(), start, start.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []store.StageVisit{
		{Service: "validasi_nik", Stage: "submitted", Entered: start, Left: start.Add(10 * time.Minute)},
		{Service: "validasi_nik", Stage: "verifying", Entered: start.Add(10 * time.Minute), Left: start.Add(25 * time.Minute)},
	}
	if len(visits) != len(want) {
		t.Fatalf("visits = %+v, want %+v", visits, want)
	}
	for i := range want {
		if v := visits[i]; v.Stage != want[i].Stage || !v.Entered.Equal(want[i].Entered) || !v.Left.Equal(want[i].Left) {
			t.Errorf("visit %d = %+v, want %+v", i, v, want[i])
		}
	}
	// Stays are in the range they ended in.
	if v, _ := db.StageVisits(context.Background(), start.Add(20*time.Minute), start.Add(time.Hour)); len(v) != 1 {
		t.Errorf("visits ending after +20m = %+v, want verifying only", v)
	}
	cases, err := db.ReportCases(context.Background(), start, start.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 || cases[0].Number != number || !cases[0].Closed.Equal(start.Add(25*time.Minute)) {
		t.Errorf("ReportCases = %+v, want %s closed at +25m", cases, number)
	}
}
