package app_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/backup"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/store"
)

// TestDiskFull fills the data folder's disk: a new message is refused with an error (so that
// WhatsApp is not acknowledged and delivers it again), nothing stored before is lost, a backup
// leaves no half file, and once space is freed the same message is taken, once.
func TestDiskFull(t *testing.T) {
	disk := testfix.SmallDisk(t, "3m")
	id := mustIdentity(t)
	cfg := mustConfig(t, id)
	cfg.Storage.DataDir = filepath.Join(disk, "data")
	cfg.Backup.Dir = filepath.Join(disk, "backups")
	core, err := app.Open(cfg, quietLog(), &sim.Transport{}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer core.DB.Close()
	ctx := context.Background()
	for _, m := range []string{"A1", "A2", "A3"} {
		if err := say(core, "6285700000001", m, "halo, info syarat KTP"); err != nil {
			t.Fatal(err)
		}
	}
	filler := filepath.Join(disk, "filler")
	testfix.Fill(t, filler)

	err = say(core, "6285700000001", "FULL1", "halo lagi")
	if err == nil {
		t.Fatal("a message was taken on a full disk")
	}
	t.Logf("on a full disk: %v", err)
	if !strings.Contains(err.Error(), "full") {
		t.Errorf("the error does not say the disk is full: %v", err)
	}
	if code := ketanmu.ErrorCode(err); code != ketanmu.EUNAVAILABLE {
		t.Errorf("the error's code is %q, want %q (try again later)", code, ketanmu.EUNAVAILABLE)
	}
	src, err := app.BackupSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(cfg.Backup.Dir, backup.Name(time.Now()))
	if _, err := backup.Take(ctx, src, []age.Recipient{id.Recipient()}, out, time.Now()); err == nil {
		t.Error("a backup was written on a full disk")
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed backup left %s: %v", out, err)
	}
	if tmp, _ := filepath.Glob(filepath.Join(cfg.Backup.Dir, ".tmp-*")); len(tmp) > 0 {
		t.Errorf("a failed backup left temporary files: %v", tmp)
	}
	if scratch, _ := filepath.Glob(filepath.Join(cfg.Storage.DataDir, ".backup-*")); len(scratch) > 0 {
		t.Errorf("a failed backup left plain snapshots: %v", scratch)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	// WhatsApp delivers the unacknowledged message again, with the same ID.
	if err := say(core, "6285700000001", "FULL1", "halo lagi"); err != nil {
		t.Fatalf("after freeing space: %v", err)
	}
	if err := store.IntegrityCheck(ctx, app.InDir(cfg.Storage.DataDir, cfg.Storage.Database)); err != nil {
		t.Error(err)
	}
	var ids []string
	rows, err := core.DB.SQL().QueryContext(ctx, `SELECT wa_id FROM messages WHERE direction = 'in' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w)
	}
	rows.Close()
	if got, want := strings.Join(ids, ","), "A1,A2,A3,FULL1"; got != want {
		t.Errorf("messages after the full disk: %s, want %s", got, want)
	}
	if _, err := backup.Take(ctx, src, []age.Recipient{id.Recipient()}, out, time.Now()); err != nil {
		t.Errorf("backup after freeing space: %v", err)
	}
}

// TestDiskFullSimulator: the simulator's API answers a message that found the disk full with a
// 503, a JSON error and Retry-After (nothing stored, as WhatsApp's unacknowledged message), and
// takes the same message, once, after space is freed.
func TestDiskFullSimulator(t *testing.T) {
	disk := testfix.SmallDisk(t, "3m")
	cfg := mustConfig(t, nil)
	cfg.Storage.DataDir = filepath.Join(disk, "data")
	s, err := app.OpenSimulator(cfg, quietLog(), time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.DB.Close()
	srv := httptest.NewServer(s.Server.Handler())
	defer srv.Close()
	post := func(id string) (*http.Response, string) {
		t.Helper()
		res, err := http.Post(srv.URL+"/api/sim/messages", "application/json",
			strings.NewReader(`{"account": "nik", "from": "085700000001", "id": "`+id+`", "text": "halo"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, string(body)
	}
	if res, body := post("B1"); res.StatusCode != http.StatusOK {
		t.Fatalf("before the disk fills: %d %s", res.StatusCode, body)
	}
	filler := filepath.Join(disk, "filler")
	testfix.Fill(t, filler)
	res, body := post("FULL2")
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
		!strings.Contains(body, `"error":"storage is full`) {
		t.Fatalf("on a full disk: %d (Retry-After %q) %s; want 503, Retry-After and a JSON error",
			res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for range 2 { // sent again once space is freed; a second time is a duplicate
		if res, body := post("FULL2"); res.StatusCode != http.StatusOK {
			t.Fatalf("after freeing space: %d %s", res.StatusCode, body)
		}
	}
	var n int
	if err := s.DB.SQL().QueryRow(`SELECT COUNT(*) FROM messages WHERE wa_id = 'FULL2'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("FULL2 stored %d times (%v), want once", n, err)
	}
}
