package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/store"
)

// mustSurveyedCase closes a new case of chat as done and invites its resident, with a suggestion.
func mustSurveyedCase(t *testing.T, db *store.DB, chat, msgID string) (number string, caseID, residentID int64) {
	t.Helper()
	number, _ = mustCaseWithPhoto(t, db, chat, msgID)
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		c, err := tx.CaseByNumber(number)
		if err != nil {
			return err
		}
		caseID, residentID = c.ID, c.ResidentID
		if err := tx.SetStage(c.ID, store.StageChange{From: "submitted", To: "done", Actor: "test"}); err != nil {
			return err
		}
		if err := tx.AddSKMInvite(store.SKMInvite{CaseID: c.ID, ResidentID: c.ResidentID, Account: c.Account, Service: c.Service}); err != nil {
			return err
		}
		if err := tx.SetSKMAnswer(number, 1, 4); err != nil {
			return err
		}
		return tx.SetSKMSuggestion(number, "Petugas ramah, NIK 3516010101900001")
	})
	if err != nil {
		t.Fatal(err)
	}
	return number, caseID, residentID
}

func TestSKMInvitable(t *testing.T) {
	db := MustOpenTemp(t)
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	_, caseID, residentID := mustSurveyedCase(t, db, "6281111111111", "M1")
	other, _ := mustCaseWithPhoto(t, db, "6281111111111", "M2")
	check := func(name string, caseID int64, since time.Time, want bool) {
		t.Helper()
		err := db.View(context.Background(), func(tx *store.Tx) error {
			got, err := tx.SKMInvitable(caseID, residentID, since)
			if err == nil && got != want {
				t.Errorf("%s: invitable = %v, want %v", name, got, want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var otherID int64
	if err := db.SQL().QueryRow(`SELECT id FROM cases WHERE number = ?`, other).Scan(&otherID); err != nil {
		t.Fatal(err)
	}
	check("the same case, long after", caseID, now.Add(time.Hour), false)
	check("another case within the interval", otherID, now.Add(-30*24*time.Hour), false)
	check("another case after the interval", otherID, now.Add(time.Minute), true)
	// A second invitation for the same case changes nothing.
	if err := db.Update(context.Background(), func(tx *store.Tx) error {
		return tx.AddSKMInvite(store.SKMInvite{CaseID: caseID, ResidentID: residentID, Account: "kkktp", Service: "kk_ktp"})
	}); err != nil {
		t.Fatal(err)
	}
	if n := MustCount(t, db, `SELECT COUNT(*) FROM skm_responses WHERE u1 = 4`); n != 1 {
		t.Errorf("%d surveys after a second invitation of the same case, want the first one only", n)
	}
}

// TestSKMPurge: the suggestion is erased with the messages of its time, and the survey is
// unlinked from its case and resident once the case's personal data is erased; the answers stay
// for the index.
func TestSKMPurge(t *testing.T) {
	db := MustOpenTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	mustSurveyedCase(t, db, "6281111111111", "M1")

	if p, err := db.Purge(ctx, retention(now.Add(-time.Hour))); err != nil || p.Suggestions != 0 {
		t.Fatalf("Purge before retention = %+v, %v; want no suggestion erased", p, err)
	}
	p, err := db.Purge(ctx, retention(now.Add(time.Hour)))
	if err != nil || p.Suggestions != 1 {
		t.Fatalf("Purge = %+v, %v; want 1 suggestion erased", p, err)
	}
	if n := MustCount(t, db, `SELECT COUNT(*) FROM skm_responses WHERE suggestion = '' AND case_id IS NULL
		AND resident_id IS NULL AND u1 = 4`); n != 1 {
		t.Errorf("after the purge: %d surveys erased and unlinked with their answers kept, want 1", n)
	}
	rs, err := db.SKMResponses(ctx, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil || len(rs) != 1 || rs[0].Scores[0] != 4 || rs[0].Suggestion != "" {
		t.Errorf("responses after the purge = %+v, %v", rs, err)
	}
}
