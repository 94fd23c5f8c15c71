package store_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// TestCheckpointsBesideWriters: a commit that leaves the WAL past 1,000 pages (SQLite's
// default threshold) reaches the database file, although the writers' own threshold is 10,000
// pages: the checkpointer copied it.
func TestCheckpointsBesideWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ketanmu.db")
	db := MustOpen(t, path)
	var pages int
	if err := db.SQL().QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if pages != 10000 {
		t.Errorf("writers' wal_autocheckpoint = %d, want 10000", pages)
	}
	before := fileSize(t, path)
	text := strings.Repeat("x", 3000)
	MustUpdate(t, db, func(tx *store.Tx) error {
		for i := range 1500 { // about 4.5 MB: some 1,500 pages, far below 10,000
			if err := tx.Queue(ketanmu.Outbound{Account: "nik", Chat: "6281200000001", ID: fmt.Sprint("C", i), Text: text}); err != nil {
				return err
			}
		}
		return nil
	})
	deadline := time.Now().Add(10 * time.Second)
	for fileSize(t, path) < before+4_000_000 {
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes 10 s after the commit (%d before): the WAL was not checkpointed", fileSize(t, path), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := MustCount(t, db, `SELECT COUNT(*) FROM outbox`); n != 1500 {
		t.Errorf("%d outbox rows, want 1500", n)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}
