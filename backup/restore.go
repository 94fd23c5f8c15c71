package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"filippo.io/age"

	"github.com/ketanmu/ketanmu/store"
)

// Target is where a backup is restored: an empty data folder and the files' names in it, as
// the config names them.
type Target struct {
	Dir      string
	Database string
	WhatsApp string
	KeyFile  string
}

// Report is what a restore found.
type Report struct {
	Manifest Manifest
	// Schema is the database's schema after the restore's migrations (the manifest has the
	// backup's).
	Schema int
	// Documents is how many stored documents were decrypted with the restored key as a sample.
	Documents int
	WhatsApp  bool
}

// sampleDocuments is how many documents a restore decrypts to show the key fits.
const sampleDocuments = 20

// Restore decrypts the backup from r with the identities into the empty folder t.Dir, checks
// the manifest and every file's checksum, runs PRAGMA integrity_check, migrates an older schema
// and decrypts a sample of documents with the restored key. On failure the folder is left as
// empty as it was found.
func Restore(ctx context.Context, r io.Reader, ids []age.Identity, t Target) (Report, error) {
	if err := emptyDir(t.Dir); err != nil {
		return Report{}, err
	}
	rep, err := restore(ctx, r, ids, t)
	if err != nil {
		entries, _ := os.ReadDir(t.Dir)
		for _, e := range entries {
			os.RemoveAll(filepath.Join(t.Dir, e.Name()))
		}
	}
	return rep, err
}

func restore(ctx context.Context, r io.Reader, ids []age.Identity, t Target) (Report, error) {
	stage, err := os.MkdirTemp(t.Dir, ".restore-")
	if err != nil {
		return Report{}, err
	}
	defer os.RemoveAll(stage)
	m, err := Extract(r, ids, stage)
	if err != nil {
		return Report{}, err
	}
	if err := m.Check(store.SchemaVersion()); err != nil {
		return Report{}, err
	}
	rep := Report{Manifest: m, WhatsApp: m.Has(WhatsAppName)}
	places := map[string]string{DatabaseName: t.Database, WhatsAppName: t.WhatsApp, KeyName: t.KeyFile}
	for _, e := range m.Files {
		if e.Name != KeyName {
			if err := store.IntegrityCheck(ctx, filepath.Join(stage, e.Name)); err != nil {
				return rep, err
			}
		}
	}
	for _, e := range m.Files {
		if err := os.Rename(filepath.Join(stage, e.Name), places[e.Name]); err != nil {
			return rep, fmt.Errorf("place %s: %w", e.Name, err)
		}
	}
	rep.Schema, rep.Documents, err = openRestored(ctx, t)
	return rep, err
}

// openRestored opens the restored database the way the service does (applying this release's
// migrations to an older backup) and decrypts a sample of documents with the restored key.
func openRestored(ctx context.Context, t Target) (schema, docs int, err error) {
	key, _, err := store.LoadKey("", t.KeyFile)
	if err != nil {
		return 0, 0, err
	}
	cipher, err := store.NewCipher(key)
	if err != nil {
		return 0, 0, err
	}
	db, err := store.Open(t.Database, cipher, time.Now)
	if err != nil {
		return 0, 0, err
	}
	docs, err = db.CheckDocuments(ctx, sampleDocuments)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, 0, fmt.Errorf("documents do not decrypt with the restored key: %w", err)
	}
	st, err := store.Inspect(ctx, t.Database)
	return st.SchemaVersion, docs, err
}

// emptyDir creates dir, or accepts it when it exists and is empty: a restore never mixes a
// backup with other data.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o700)
	} else if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty: restore into a new, empty folder", dir)
	}
	return os.Chmod(dir, 0o700)
}
