package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLitestreamReplica runs the simulator under Litestream with a file replica (opt-in: set
// KETANMU_LITESTREAM to a litestream v0.5 binary, e.g. from
// `go install github.com/benbjohnson/litestream/cmd/litestream@v0.5.18`): cases with photos, the
// retention purge's own WAL checkpoint, kill -9 of both processes, `litestream restore`, and the
// simulator again on the restored database with the data key, which Litestream does not carry.
func TestLitestreamReplica(t *testing.T) {
	ls := os.Getenv("KETANMU_LITESTREAM")
	if ls == "" {
		t.Skip("set KETANMU_LITESTREAM to a litestream binary to run this test")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "litestream.yml")
	if err := os.WriteFile(conf, []byte("dbs:\n  - path: "+filepath.Join(data, "ketanmu.db")+
		"\n    replica:\n      type: file\n      path: "+filepath.Join(dir, "replica")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sim := startBinarySim(t, bin, dir, "data")
	var logs bytes.Buffer
	repl := exec.Command(ls, "replicate", "-config", conf)
	repl.Stdout, repl.Stderr = &logs, &logs
	if err := repl.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if repl.ProcessState == nil {
			_ = repl.Process.Kill()
			_ = repl.Wait()
		}
		t.Logf("litestream:\n%s", logs.String())
	})

	// A chat that never becomes a case: the purge erases it after retention.abandoned_after and
	// then checkpoints the WAL with TRUNCATE while Litestream holds its read lock.
	sim.post(t, map[string]any{"account": "nik", "from": "085700000009", "text": "halo", "id": "ABANDONED1"})
	advance := func(d string) {
		b, _ := json.Marshal(map[string]string{"advance": d})
		resp, err := http.Post(sim.base+"/api/sim/clock", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	advance("745h") // past retention.abandoned_after (720h) and the next nightly purge after it
	number, photos := sim.applyValidasi(t, "085700000001", "3516131204850003")
	time.Sleep(3 * time.Second) // Litestream ships the WAL every second
	sim.kill()
	purgeLog := sim.logs.String()
	_ = repl.Process.Kill()
	_ = repl.Wait()

	restored := filepath.Join(dir, "restored")
	if err := os.MkdirAll(restored, 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ls, "restore", "-config", conf, "-o", filepath.Join(restored, "ketanmu.db"),
		filepath.Join(data, "ketanmu.db")).CombinedOutput()
	if err != nil {
		t.Fatalf("litestream restore: %v\n%s", err, out)
	}
	key, err := os.ReadFile(filepath.Join(data, "ketanmu.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, "ketanmu.key"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	sim = startBinarySim(t, bin, dir, "restored")
	var c drillCase
	if err := json.Unmarshal(sim.get(t, "/api/cases/"+number), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Documents) != len(photos) {
		t.Fatalf("%d documents after the Litestream restore, want %d", len(c.Documents), len(photos))
	}
	for i, d := range c.Documents {
		if !bytes.Equal(sim.get(t, d.URL), photos[i]) {
			t.Errorf("document %d differs after the Litestream restore", i)
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("litestream logged errors")
	}
	lines := purgeLines(purgeLog)
	t.Logf("the simulator's purge under Litestream: %s", lines)
	// Litestream keeps a read transaction open between its syncs, so the purge's TRUNCATE
	// checkpoint mostly finds the WAL held and says so; it must neither fail the purge nor hold
	// the writers off (the clock's answer above waited for it).
	if !strings.Contains(lines, "Erased personal data") || strings.Contains(lines, "level=ERROR") {
		t.Errorf("want the purge to erase beside Litestream, its checkpoint at most a warning; got %q", lines)
	}
	// Litestream v0.5 refuses age encryption: its replica holds the database's text in the clear.
	clear := false
	_ = filepath.Walk(filepath.Join(dir, "replica"), func(path string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, []byte("3516131204850003")) {
				clear = true
			}
		}
		return nil
	})
	t.Logf("the replica holds the NIK in the clear: %v", clear)
	db, err := sql.Open("sqlite3", filepath.Join(restored, "ketanmu.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var text string
	if err := db.QueryRow(`SELECT text FROM messages WHERE wa_id = 'ABANDONED1'`).Scan(&text); err != nil || text != "" {
		t.Errorf("the purged message in the replica = %q, %v; want erased", text, err)
	}
}

func purgeLines(log string) string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "Erased personal data") || strings.Contains(l, "checkpoint") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
