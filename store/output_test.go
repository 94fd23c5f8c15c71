package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// TestOutputFileKeptThenErased: the signed PDF filed with a case is read back byte for byte,
// stored sealed, and erased by retention with the case's photos.
func TestOutputFileKeptThenErased(t *testing.T) {
	db := MustOpenTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	number, _ := mustCaseWithPhoto(t, db, "6281111111111", "M1")
	pdf := []byte("%PDF-1.7\nsigned document\n%%EOF\n")
	var id int64
	err := db.Update(ctx, func(tx *store.Tx) error {
		c, err := tx.CaseByNumber(number)
		if err != nil {
			return err
		}
		if _, ok, err := tx.KeptCaseFile(c.ID, store.OutputKey); err != nil || ok {
			t.Errorf("KeptCaseFile before any = %v, %v; want none", ok, err)
		}
		if id, err = tx.AddCaseFile(c.ID, store.OutputKey, &ketanmu.Media{Mime: "application/pdf", Filename: number + ".pdf", Data: pdf}); err != nil {
			return err
		}
		if got, ok, err := tx.KeptCaseFile(c.ID, store.OutputKey); err != nil || !ok || got != id {
			t.Errorf("KeptCaseFile = %d, %v, %v; want %d", got, ok, err, id)
		}
		return tx.SetStage(c.ID, store.StageChange{From: "submitted", To: "done", Actor: "test"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := db.Media(ctx, id); err != nil || !bytes.Equal(m.Data, pdf) || m.Mime != "application/pdf" {
		t.Fatalf("Media(%d) = %+v, %v; want the PDF as filed", id, m, err)
	}
	var sealed []byte
	if err := db.SQL().QueryRow(`SELECT data FROM media WHERE id = ?`, id).Scan(&sealed); err != nil || bytes.Contains(sealed, []byte("signed document")) {
		t.Fatalf("stored PDF readable in the database (%v)", err)
	}
	p, err := db.Purge(ctx, retention(now.Add(time.Hour)))
	if err != nil || p.Files != 2 {
		t.Fatalf("Purge = %+v, %v; want the photo and the PDF erased", p, err)
	}
	if _, err := db.Media(ctx, id); ketanmu.ErrorCode(err) != ketanmu.EGONE {
		t.Errorf("PDF after retention: err = %v, want EGONE", err)
	}
	err = db.View(ctx, func(tx *store.Tx) error {
		c, err := tx.CaseByNumber(number)
		if err != nil {
			return err
		}
		if _, ok, err := tx.KeptCaseFile(c.ID, store.OutputKey); err != nil || ok {
			t.Errorf("KeptCaseFile after retention = %v, %v; want none (kirim ulang has nothing to send)", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
