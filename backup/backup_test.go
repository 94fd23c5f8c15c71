package backup_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/backup"
	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/store"
)

const secretNIK = "3516131204850003"

// mustDataFolder makes a data folder with a database holding one resident message with a
// photo and a name, and its key.
func mustDataFolder(t *testing.T) (backup.Source, []byte) {
	t.Helper()
	dir := t.TempDir()
	key := testfix.Key
	db := testfix.OpenDB(t, filepath.Join(dir, "ketanmu.db"), time.Now)
	defer db.Close() // closed before the backup reads it
	photo := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte("JFIF-photo-of-KK "), 200)...)
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.RecordInbound(ketanmu.Inbound{Account: "nik", Chat: "6285700000001", ID: "M1", Kind: ketanmu.KindText,
			Text: "NIK saya " + secretNIK + " atas nama Siti Aminah", At: time.Now()})
		if err != nil {
			return err
		}
		_, err = tx.RecordInbound(ketanmu.Inbound{Account: "nik", Chat: "6285700000001", ID: "M2", Kind: ketanmu.KindImage,
			Media: &ketanmu.Media{Mime: "image/jpeg", Filename: "kk.jpg", Size: int64(len(photo)), Data: photo}, At: time.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return backup.Source{Database: filepath.Join(dir, "ketanmu.db"), WhatsApp: filepath.Join(dir, "whatsmeow.db"), Key: key, Scratch: dir}, photo
}

func mustIdentity(t *testing.T) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func target(dir string) backup.Target {
	return backup.Target{Dir: dir, Database: filepath.Join(dir, "ketanmu.db"), WhatsApp: filepath.Join(dir, "whatsmeow.db"), KeyFile: filepath.Join(dir, "ketanmu.key")}
}

func TestBackupRoundTripAndRefusals(t *testing.T) {
	ctx := context.Background()
	src, photo := mustDataFolder(t)
	id := mustIdentity(t)
	out := filepath.Join(t.TempDir(), "b.age")
	res, err := backup.Take(ctx, src, []age.Recipient{id.Recipient()}, out, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Manifest.Counts["messages"]; got != 2 {
		t.Errorf("manifest counts %d messages, want 2", got)
	}
	if res.Manifest.Has(backup.WhatsAppName) {
		t.Error("the manifest lists a WhatsApp store the folder does not have")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(src.Scratch, ".backup-*")); len(leftovers) > 0 {
		t.Errorf("plain snapshots left behind: %v", leftovers)
	}
	sealed, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(sealed, []byte("age-encryption.org/v1\n")) {
		t.Error("the backup is not a plain age file")
	}
	for _, clear := range [][]byte{[]byte(secretNIK), []byte("Siti Aminah"), photo[:4], []byte("JFIF-photo"), []byte("SQLite format 3")} {
		if bytes.Contains(sealed, clear) {
			t.Errorf("the backup holds %q in the clear", clear)
		}
	}

	t.Run("restores", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "new")
		rep, err := backup.Restore(ctx, bytes.NewReader(sealed), []age.Identity{id}, target(dir))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Documents != 1 {
			t.Errorf("restore decrypted %d documents, want 1", rep.Documents)
		}
		if rep.Schema != store.SchemaVersion() {
			t.Errorf("restored schema %d, want %d", rep.Schema, store.SchemaVersion())
		}
	})
	refusals := []struct {
		name   string
		sealed []byte
		id     age.Identity
		want   error
	}{
		{"wrong identity", sealed, mustIdentity(t), backup.ErrWrongIdentity},
		{"truncated", sealed[:len(sealed)-100], id, backup.ErrDamaged},
		{"cut at a chunk", sealed[:len(sealed)/2], id, backup.ErrDamaged},
		{"tampered", flip(sealed, len(sealed)-50), id, backup.ErrDamaged},
		{"tampered header", flip(sealed, 40), id, nil},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "new")
			_, err := backup.Restore(ctx, bytes.NewReader(tc.sealed), []age.Identity{tc.id}, target(dir))
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("restore = %v, want %v", err, tc.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("a refused restore left %d files in the folder", len(entries))
			}
		})
	}
	t.Run("non-empty folder", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := backup.Restore(ctx, bytes.NewReader(sealed), []age.Identity{id}, target(dir))
		if err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("restore into a non-empty folder = %v", err)
		}
	})
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x01
	return c
}

func TestTakeRefusesWithoutRecipient(t *testing.T) {
	src, _ := mustDataFolder(t)
	out := filepath.Join(t.TempDir(), "b.age")
	if _, err := backup.Take(context.Background(), src, nil, out, time.Now()); err == nil {
		t.Fatal("a backup without a recipient was written")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused backup left %s: %v", out, err)
	}
}

func TestManifestCheck(t *testing.T) {
	ok := backup.Manifest{Format: backup.FormatVersion, SchemaVersion: 5, AppVersion: "1.0",
		Files: []backup.Entry{{Name: backup.DatabaseName}, {Name: backup.KeyName}}}
	if err := ok.Check(5); err != nil {
		t.Errorf("a good manifest refused: %v", err)
	}
	newer := ok
	newer.SchemaVersion = 6
	noKey := ok
	noKey.Files = []backup.Entry{{Name: backup.DatabaseName}}
	format := ok
	format.Format = 99
	odd := ok
	odd.Files = append(append([]backup.Entry(nil), ok.Files...), backup.Entry{Name: "../etc/passwd"})
	for name, m := range map[string]backup.Manifest{"newer schema": newer, "no key": noKey, "format": format, "odd file": odd} {
		if err := m.Check(5); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestRestoreRefusesForeignNames: anyone with the public key can write an age file; a manifest
// naming a file outside the archive's layout is refused before anything is written.
func TestRestoreRefusesForeignNames(t *testing.T) {
	id := mustIdentity(t)
	var buf bytes.Buffer
	enc, err := age.Encrypt(&buf, id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(enc)
	evil := []byte("pwned")
	manifest := []byte(`{"format":1,"files":[{"name":"../../evil","size":5,"sha256":"x"}]}`)
	for _, f := range []struct {
		name string
		body []byte
	}{{backup.ManifestName, manifest}, {"../../evil", evil}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o600, Size: int64(len(f.body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(f.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	dir := filepath.Join(root, "new")
	if _, err := backup.Restore(context.Background(), &buf, []age.Identity{id}, target(dir)); !errors.Is(err, backup.ErrDamaged) {
		t.Fatalf("restore of a foreign name = %v, want refused as damaged", err)
	}
	if _, err := os.Stat(filepath.Join(root, "evil")); !os.IsNotExist(err) {
		t.Error("a file was written outside the restore folder")
	}
}
