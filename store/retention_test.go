package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// mustCaseWithPhoto stores a resident's photo message and a case holding it; it returns the
// case number and the photo's media id.
func mustCaseWithPhoto(t *testing.T, db *store.DB, chat, msgID string) (string, int64) {
	t.Helper()
	ctx := context.Background()
	var number string
	err := db.Update(ctx, func(tx *store.Tx) error {
		in := ketanmu.Inbound{Account: "kkktp", ID: msgID, Chat: chat, Kind: ketanmu.KindImage,
			Media: &ketanmu.Media{Mime: "image/jpeg", Filename: "kk.jpg", Data: []byte("photo of " + chat)}}
		if _, err := tx.RecordInbound(in); err != nil {
			return err
		}
		rid, err := tx.Resident(chat, "")
		if err != nil {
			return err
		}
		number, err = tx.CreateCase(store.NewCase{Account: "kkktp", Chat: chat, ResidentID: rid, Prefix: "KTP",
			Service: "kk_ktp", NIK: "3516010101900001", Name: "Budi", Day: "261125",
			Documents: []store.CaseDocument{{Key: "kk", MessageID: msgID}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var mediaID int64
	if err := db.SQL().QueryRow(`SELECT media_id FROM messages WHERE wa_id = ?`, msgID).Scan(&mediaID); err != nil {
		t.Fatal(err)
	}
	return number, mediaID
}

func TestPurgeClosed(t *testing.T) {
	db := MustOpenTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }

	closedNumber, closedMedia := mustCaseWithPhoto(t, db, "6281111111111", "M1")
	_, openMedia := mustCaseWithPhoto(t, db, "6282222222222", "M2")
	err := db.Update(ctx, func(tx *store.Tx) error {
		c, err := tx.CaseByNumber(closedNumber)
		if err != nil {
			return err
		}
		return tx.SetStage(c.ID, store.StageChange{From: "submitted", To: "done", Actor: "test"})
	})
	if err != nil {
		t.Fatal(err)
	}

	// Before the retention ends nothing is erased.
	if n, err := db.PurgeClosed(ctx, now.Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("PurgeClosed before retention = %d, %v; want 0, nil", n, err)
	}
	n, err := db.PurgeClosed(ctx, now.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("PurgeClosed = %d, %v; want 1 file erased", n, err)
	}
	if _, err := db.Media(ctx, closedMedia); ketanmu.ErrorCode(err) != ketanmu.ENOTFOUND {
		t.Errorf("closed case's photo: err = %v, want ENOTFOUND (erased)", err)
	}
	if m, err := db.Media(ctx, openMedia); err != nil || string(m.Data) != "photo of 6282222222222" {
		t.Errorf("open case's photo = %v, %v; want it untouched", m, err)
	}
	var nik, name string
	if err := db.SQL().QueryRow(`SELECT nik, name FROM cases WHERE number = ?`, closedNumber).Scan(&nik, &name); err != nil {
		t.Fatal(err)
	}
	if got, want := nik, "351601********01"; got != want || name != "" {
		t.Errorf("closed case nik, name = %q, %q; want %q, \"\"", got, name, want)
	}
	// A second run finds nothing left to erase.
	if n, err := db.PurgeClosed(ctx, now.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("second PurgeClosed = %d, %v; want 0", n, err)
	}
}
