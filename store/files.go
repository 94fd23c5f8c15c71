package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// privateFiles makes the database file and its WAL and shared-memory companions readable and
// writable by the service's user only (UU 27/2022: no other local user reads residents' data).
// SQLite creates the companions with the main file's mode, so creating the main file 0600
// before SQLite does covers them; files an older release left world-readable are tightened.
func privateFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restrict %s: %w", p, err)
		}
	}
	return nil
}
