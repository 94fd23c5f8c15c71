package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/store"
)

// TestViewDoesNotWaitForTheWriter holds a write transaction open and reads meanwhile: the queue
// and a case's file come from the read pool's snapshot, without the writer's lock, and do not
// see the uncommitted write.
func TestViewDoesNotWaitForTheWriter(t *testing.T) {
	db := MustOpenTemp(t)
	var number string
	MustUpdate(t, db, func(tx *store.Tx) error {
		rid, err := tx.Resident("6281234567890", "")
		if err != nil {
			return err
		}
		number, err = tx.CreateCase(store.NewCase{Account: "kkktp", Chat: "6281234567890", ResidentID: rid, Prefix: "KTP",
			Service: "kk_ktp", Name: "Budi", Details: map[string]string{}, Day: "261125", Actor: "pemohon"})
		return err
	})
	writing, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Update(context.Background(), func(tx *store.Tx) error {
			c, err := tx.CaseByNumber(number)
			if err != nil {
				return err
			}
			if err := tx.SetAssignee(c.ID, "Rina"); err != nil {
				return err
			}
			close(writing)
			<-release
			return nil
		})
	}()
	<-writing
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	cases, total, err := db.ListCases(ctx, store.CaseFilter{OpenOnly: true, Limit: 10})
	if err != nil || total != 1 || len(cases) != 1 {
		t.Fatalf("ListCases while a write is open = %d cases, total %d, %v; want the one case", len(cases), total, err)
	}
	if cases[0].Assignee != "" {
		t.Errorf("read saw the uncommitted assignee %q", cases[0].Assignee)
	}
	err = db.View(ctx, func(tx *store.Tx) error {
		_, err := tx.CaseFile(number)
		return err
	})
	if err != nil {
		t.Fatalf("View while a write is open: %v", err)
	}
	err = db.View(ctx, func(tx *store.Tx) error { return tx.SetAssignee(1, "Agus") })
	if err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("a write inside View = %v, want SQLite's read-only refusal", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestCorruptCaseDetailsAreAnError: details that are not JSON fail the read instead of reading
// as an empty case.
func TestCorruptCaseDetailsAreAnError(t *testing.T) {
	db := MustOpenTemp(t)
	var number string
	MustUpdate(t, db, func(tx *store.Tx) error {
		rid, err := tx.Resident("6281234567890", "")
		if err != nil {
			return err
		}
		number, err = tx.CreateCase(store.NewCase{Account: "kkktp", Chat: "6281234567890", ResidentID: rid, Prefix: "KTP",
			Service: "kk_ktp", Details: map[string]string{}, Day: "261125"})
		return err
	})
	if _, err := db.SQL().Exec(`UPDATE cases SET details = '{"address": ' WHERE number = ?`, number); err != nil {
		t.Fatal(err)
	}
	err := db.View(context.Background(), func(tx *store.Tx) error {
		_, err := tx.CaseByNumber(number)
		return err
	})
	if err == nil {
		t.Error("reading a case with corrupt details = nil error, want an error")
	}
}
