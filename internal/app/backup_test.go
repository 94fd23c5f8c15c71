package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/backup"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/store"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// mustConfig is the example config on a fresh data folder, backups encrypted to id.
func mustConfig(t *testing.T, id *age.X25519Identity) *config.Config {
	t.Helper()
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	cfg.Storage.DataDir = filepath.Join(root, "data")
	cfg.Backup.Dir = filepath.Join(root, "backups")
	cfg.Backup.Specs = nil
	if id != nil {
		cfg.Backup.Recipients = []string{id.Recipient().String()}
	}
	t.Setenv("KETANMU_DATA_KEY", "")
	return cfg
}

func mustIdentity(t *testing.T) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func say(core *app.Core, chat, id, text string) error {
	_, err := core.Router.Handle(context.Background(), ketanmu.Inbound{Account: "nik", Chat: chat, ID: id,
		Kind: ketanmu.KindText, Text: text, At: time.Now()})
	return err
}

// TestBackupUnderLoad takes a backup while residents keep writing and restores it: the restored
// database passes integrity_check and holds every message acknowledged before the backup began.
func TestBackupUnderLoad(t *testing.T) {
	id := mustIdentity(t)
	cfg := mustConfig(t, id)
	core, err := app.Open(cfg, quietLog(), &sim.Transport{}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer core.DB.Close()

	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				msgID := fmt.Sprintf("R%d-%d", r, i)
				if err := say(core, fmt.Sprintf("62857000001%02d", r), msgID, "halo, info syarat KTP"); err != nil {
					t.Errorf("message %s: %v", msgID, err)
					return
				}
				mu.Lock()
				acked = append(acked, msgID) // handled and committed: WhatsApp would be acknowledged now
				mu.Unlock()
			}
		}()
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 100 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	src, err := app.BackupSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(cfg.Backup.Dir, backup.Name(time.Now()))
	res, err := backup.Take(context.Background(), src, []age.Recipient{id.Recipient()}, out, time.Now())
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	t.Logf("%d messages acknowledged before the backup, %d by the end; the backup holds %d messages",
		len(before), len(acked), res.Manifest.Counts["messages"])
	mu.Unlock()

	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := filepath.Join(t.TempDir(), "restored")
	tgt := backup.Target{Dir: dir, Database: filepath.Join(dir, "ketanmu.db"), WhatsApp: filepath.Join(dir, "whatsmeow.db"), KeyFile: filepath.Join(dir, "ketanmu.key")}
	if _, err := backup.Restore(context.Background(), f, []age.Identity{id}, tgt); err != nil {
		t.Fatal(err) // includes PRAGMA integrity_check
	}
	db, err := sql.Open("sqlite3", tgt.Database)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	restored := map[string]bool{}
	rows, err := db.Query(`SELECT wa_id FROM messages WHERE direction = 'in'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			t.Fatal(err)
		}
		restored[w] = true
	}
	rows.Close()
	for _, m := range before {
		if !restored[m] {
			t.Errorf("message %s was acknowledged before the backup began but is not in it", m)
		}
	}
}

// oldSchema turns the data folder's database back into what the release before migration 010
// left, or, with broken, forgets only that 010 ran (so that running it again fails).
func oldSchema(t *testing.T, cfg *config.Config, broken bool) {
	t.Helper()
	db, err := sql.Open("sqlite3", app.InDir(cfg.Storage.DataDir, cfg.Storage.Database))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{`DELETE FROM schema_migrations WHERE version IN (10, 22)`}
	if !broken {
		// 022's index is on the lane column: it goes first, and 022 makes it again.
		stmts = append(stmts, `DROP TABLE outbox_alerts`, `DROP INDEX outbox_pending_lane`,
			`ALTER TABLE outbox DROP COLUMN lane`, `ALTER TABLE outbox DROP COLUMN proactive`)
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// mustFolderWithMessage opens the data folder once (a WhatsApp folder: whatsmeow's store is
// there), records one resident message and closes it.
func mustFolderWithMessage(t *testing.T, cfg *config.Config) {
	t.Helper()
	if err := os.MkdirAll(cfg.Storage.DataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(app.WhatsAppStore(cfg), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	core, err := app.Open(cfg, quietLog(), &sim.Transport{}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := say(core, "6285700000001", "OLD1", "halo"); err != nil {
		t.Fatal(err)
	}
	if err := core.DB.Close(); err != nil {
		t.Fatal(err)
	}
}

func premigrateBackups(t *testing.T, cfg *config.Config) []backup.Info {
	t.Helper()
	_, pre, err := backup.List(cfg.Backup.Dir)
	if err != nil {
		t.Fatal(err)
	}
	return pre
}

// TestUpgradeWritesBackupAndRestoreMigrates: opening an older database writes an encrypted
// backup first; restoring that backup brings the older schema and migrates it.
func TestUpgradeWritesBackupAndRestoreMigrates(t *testing.T) {
	id := mustIdentity(t)
	cfg := mustConfig(t, id)
	mustFolderWithMessage(t, cfg)
	oldSchema(t, cfg, false)

	noRecipient := *cfg
	noRecipient.Backup.Recipients = nil
	if _, err := app.Open(&noRecipient, quietLog(), &sim.Transport{}, time.Now); err == nil || !strings.Contains(err.Error(), "backup.recipients") {
		t.Fatalf("migrating a WhatsApp folder without a backup recipient = %v, want a refusal", err)
	}
	core, err := app.Open(cfg, quietLog(), &sim.Transport{}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	core.DB.Close()
	pre := premigrateBackups(t, cfg)
	if len(pre) != 1 {
		t.Fatalf("%d pre-migration backups, want 1", len(pre))
	}
	f, err := os.Open(filepath.Join(cfg.Backup.Dir, pre[0].Name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := filepath.Join(t.TempDir(), "restored")
	rep, err := backup.Restore(context.Background(), f, []age.Identity{id}, backup.Target{Dir: dir,
		Database: filepath.Join(dir, "ketanmu.db"), WhatsApp: filepath.Join(dir, "whatsmeow.db"), KeyFile: filepath.Join(dir, "ketanmu.key")})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Schema != store.SchemaVersion() {
		t.Errorf("restored schema %d, want this release's %d", rep.Schema, store.SchemaVersion())
	}
	restored, err := sql.Open("sqlite3", filepath.Join(dir, "ketanmu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	var lanes int
	if err := restored.QueryRow(`SELECT COUNT(*) FROM outbox WHERE lane != ''`).Scan(&lanes); err != nil {
		t.Errorf("migration 010 did not run on the restored older backup: %v", err)
	}
	if !rep.WhatsApp {
		t.Error("the WhatsApp store was not in the backup")
	}
}

// TestFailingMigrationLeavesDatabaseAndBackup: a migration that fails leaves the previous
// database as it was, usable, and a backup beside it.
func TestFailingMigrationLeavesDatabaseAndBackup(t *testing.T) {
	id := mustIdentity(t)
	cfg := mustConfig(t, id)
	mustFolderWithMessage(t, cfg)
	oldSchema(t, cfg, true)

	_, err := app.Open(cfg, quietLog(), &sim.Transport{}, time.Now)
	if err == nil || !strings.Contains(err.Error(), "010") {
		t.Fatalf("Open = %v, want migration 010 to fail", err)
	}
	if pre := premigrateBackups(t, cfg); len(pre) != 1 {
		t.Fatalf("%d backups beside the failed migration, want 1", len(pre))
	}
	db, err := sql.Open("sqlite3", app.InDir(cfg.Storage.DataDir, cfg.Storage.Database)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check = %q, %v", ok, err)
	}
	var n, applied int
	if err := db.QueryRow(`SELECT COUNT(*) FROM messages WHERE wa_id = 'OLD1'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the old message: %d rows, %v", n, err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE version = 10`).Scan(&applied); err != nil || applied != 0 {
		t.Errorf("the failed migration is recorded as applied (%d, %v): it should have rolled back", applied, err)
	}
}
