package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ketanmu/ketanmu/backup"
)

// TestBackupAgeShown: /healthz reports the newest backup's age and size, and the numbers page
// warns supervisors (only them) once two scheduled backups were missed.
func TestBackupAgeShown(t *testing.T) {
	cfg := mustConfig(t, "")
	cfg.Backup.Dir = t.TempDir()
	hourly, err := cron.ParseStandard("0 * * * *")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Backup.Specs = []cron.Schedule{hourly}
	env := mustSimEnv(t, cfg, "")
	write := func(at time.Time, size int) {
		if err := os.WriteFile(filepath.Join(cfg.Backup.Dir, backup.Name(at)), make([]byte, size), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	health := func() backupHealth {
		resp, err := http.Get(env.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Backup backupHealth `json:"backup"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		return body.Backup
	}
	const warning = "Cadangan terakhir sudah terlalu lama"
	kadisC, rinaC := newOpsClient(t, env.URL), newOpsClient(t, env.URL)
	kadisC.mustLogin(t, kadis)
	rinaC.mustLogin(t, rina)

	write(time.Now().Add(-3*time.Hour), 2048)
	h := health()
	if !h.Stale || h.SizeBytes != 2048 || h.AgeSeconds < 3*3600-5 || h.LastAt == nil {
		t.Errorf("health of a 3-hour-old backup on an hourly schedule = %+v", h)
	}
	if _, page, _ := kadisC.get(t, "/ops/numbers"); !strings.Contains(page, warning) {
		t.Error("a supervisor is not warned about a stale backup")
	}
	if _, page, _ := rinaC.get(t, "/ops/numbers"); strings.Contains(page, warning) || !strings.Contains(page, "Cadangan terakhir") {
		t.Error("an operator sees the supervisors' warning, or no backup line at all")
	}

	write(time.Now(), 4096)
	if h := health(); h.Stale || h.SizeBytes != 4096 {
		t.Errorf("health after a fresh backup = %+v", h)
	}
	if _, page, _ := kadisC.get(t, "/ops/numbers"); strings.Contains(page, warning) {
		t.Error("a supervisor is warned about a fresh backup")
	}
	resp, err := http.Get(env.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	metrics, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(metrics), "ketanmu_backup_size_bytes 4096") || !strings.Contains(string(metrics), "ketanmu_backup_age_seconds ") {
		t.Errorf("/metrics has no backup age and size:\n%s", metrics)
	}
}

type backupHealth struct {
	LastAt     *string `json:"last_at"`
	AgeSeconds int64   `json:"age_seconds"`
	SizeBytes  int64   `json:"size_bytes"`
	Stale      bool    `json:"stale"`
}
