package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// TestOpenFilesPrivate checks that the database and its WAL and shared-memory files are
// readable by the service's user only, also when an older release left them world-readable.
func TestOpenFilesPrivate(t *testing.T) {
	for _, existing := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, "ketanmu.db")
		if existing {
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				if err := os.WriteFile(p, nil, 0o644); err != nil {
					t.Fatal(err)
				}
				os.Chmod(p, 0o644) // past any umask
			}
		}
		db := MustOpen(t, path)
		MustUpdate(t, db, func(tx *store.Tx) error {
			_, err := tx.RecordInbound(ketanmu.Inbound{Account: "a", Chat: "6281", ID: "m1", Kind: ketanmu.KindText, Text: "x"})
			return err
		})
		if _, err := db.SQL().ExecContext(context.Background(), `SELECT 1`); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatalf("existing=%v: %v", existing, err)
			}
			if got := fi.Mode().Perm(); got != 0o600 {
				t.Errorf("existing=%v: %s has mode %o, want 600", existing, filepath.Base(p), got)
			}
		}
	}
}
