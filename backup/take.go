package backup

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"filippo.io/age"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// Source is a data folder's files as a backup reads them.
type Source struct {
	Database string // ketanmu.db
	WhatsApp string // whatsmeow's store; skipped when it does not exist (the simulator)
	Key      []byte // the data key the documents are encrypted with
	// Scratch is a private folder (the data folder) where the plain snapshots live until they
	// are encrypted; they are removed before Take returns.
	Scratch string
}

// Result is a written backup.
type Result struct {
	Path     string
	Size     int64
	Manifest Manifest
}

// Take snapshots the databases while the service keeps running, and writes them with the key
// and the manifest to out, encrypted to the recipients. out appears whole or not at all (a
// temporary file renamed into place).
func Take(ctx context.Context, src Source, recipients []age.Recipient, out string, now time.Time) (Result, error) {
	if len(recipients) == 0 {
		return Result{}, errors.New("no backup recipient configured: set backup.recipients to the office's age public key (age-keygen -y identity.txt)")
	}
	scratch, err := os.MkdirTemp(src.Scratch, ".backup-")
	if err != nil {
		return Result{}, fmt.Errorf("backup scratch folder: %w", err)
	}
	defer os.RemoveAll(scratch)
	files, m, err := snapshot(ctx, src, scratch, now)
	if err != nil {
		return Result{}, err
	}
	if err := Describe(&m, files); err != nil {
		return Result{}, err
	}
	size, err := writeAtomic(out, func(f *os.File) error { return Write(f, recipients, m, files) })
	if err != nil {
		return Result{}, err
	}
	return Result{Path: out, Size: size, Manifest: m}, nil
}

func snapshot(ctx context.Context, src Source, dir string, now time.Time) ([]File, Manifest, error) {
	m := Manifest{Format: FormatVersion, CreatedAt: now.UTC(), AppVersion: ketanmu.Version}
	db := File{Name: DatabaseName, Path: filepath.Join(dir, DatabaseName)}
	if err := store.Snapshot(ctx, src.Database, db.Path); err != nil {
		return nil, m, err
	}
	files := []File{db}
	st, err := store.Inspect(ctx, db.Path)
	if err != nil {
		return nil, m, err
	}
	m.SchemaVersion, m.Counts = st.SchemaVersion, st.Counts
	if src.WhatsApp != "" {
		if _, err := os.Stat(src.WhatsApp); err == nil {
			wa := File{Name: WhatsAppName, Path: filepath.Join(dir, WhatsAppName)}
			if err := store.Snapshot(ctx, src.WhatsApp, wa.Path); err != nil {
				return nil, m, err
			}
			files = append(files, wa)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, m, err
		}
	}
	key := File{Name: KeyName, Path: filepath.Join(dir, KeyName)}
	if err := os.WriteFile(key.Path, []byte(hex.EncodeToString(src.Key)+"\n"), 0o600); err != nil {
		return nil, m, err
	}
	return append(files, key), m, nil
}

// writeAtomic writes path through a temporary file in the same folder, synced and renamed, so
// that a crash or a full disk never leaves a half backup under the final name.
func writeAtomic(path string, write func(*os.File) error) (int64, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, err
	}
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-")
	if err != nil {
		return 0, err
	}
	tmp := f.Name()
	fail := func(err error) (int64, error) {
		f.Close()
		os.Remove(tmp)
		return 0, err
	}
	if err := write(f); err != nil {
		return fail(fmt.Errorf("write backup: %w", err))
	}
	if err := f.Sync(); err != nil {
		return fail(fmt.Errorf("write backup: %w", err))
	}
	fi, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return 0, err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // the rename itself survives a power cut
		d.Close()
	}
	return fi.Size(), nil
}
