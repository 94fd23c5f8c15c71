package app_test

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/app"
)

// TestOpenDataFolderPrivate checks that the data folder, even one created open by an older
// release or a container image, ends up readable by the service's user only.
func TestOpenDataFolderPrivate(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, existing := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "data")
		if existing {
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			os.Chmod(dir, 0o755)
		}
		cfg.Storage.DataDir = dir
		t.Setenv("KETANMU_DATA_KEY", "")
		sim, err := app.OpenSimulator(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now(), "")
		if err != nil {
			t.Fatal(err)
		}
		sim.DB.Close()
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o700 {
			t.Errorf("existing=%v: data folder mode %o, want 700", existing, got)
		}
	}
}
