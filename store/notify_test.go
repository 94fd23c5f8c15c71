package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// Committed wakes its watchers at the next commit, and only then: not on a rolled-back
// transaction, not on a read.
func TestCommittedSignalsCommits(t *testing.T) {
	db := MustOpenTemp(t)
	ctx := context.Background()
	ch := db.Committed()
	if closed(ch) {
		t.Fatal("closed before any commit")
	}
	if _, err := db.ChangeMark(ctx); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("refused")
	err := db.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.RecordInbound(ketanmu.Inbound{Account: "a", Chat: "6281", ID: "M0", Kind: ketanmu.KindText}); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("Update = %v, want %v", err, failed)
	}
	if closed(ch) {
		t.Fatal("closed by a read or a rolled-back transaction")
	}
	if err := db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.RecordInbound(ketanmu.Inbound{Account: "a", Chat: "6281", ID: "M1", Kind: ketanmu.KindText})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !closed(ch) {
		t.Fatal("not closed after a commit")
	}
	if closed(db.Committed()) {
		t.Error("a watcher taken after the commit is woken by it too")
	}
}
