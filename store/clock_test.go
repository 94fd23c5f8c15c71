package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/store"
)

// The clock is given when the database is opened: there is no default one to replace later.
func TestOpenNeedsAClock(t *testing.T) {
	if db, err := store.Open(filepath.Join(t.TempDir(), "ketanmu.db"), MustCipher(t), nil); err == nil {
		db.Close()
		t.Fatal("Open without a clock succeeded")
	}
	at := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	db, err := store.Open(filepath.Join(t.TempDir(), "ketanmu.db"), MustCipher(t), func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := db.Now(); !got.Equal(at) {
		t.Errorf("db.Now() = %v, want the clock given to Open (%v)", got, at)
	}
}
