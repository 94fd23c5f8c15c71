package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// buildBinary builds ketanmu into the test's folder: the drill runs the program an office runs.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "ketanmu")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// binSim is the built `ketanmu sim` running as its own process.
type binSim struct {
	cmd  *exec.Cmd
	base string
	logs *lockedBuffer // its log
}

func startBinarySim(t *testing.T, bin, dir, data string) *binSim {
	t.Helper()
	cmd := exec.Command(bin, "sim", "--addr", "127.0.0.1:0", "--data", data)
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &binSim{cmd: cmd, logs: logs}
	t.Cleanup(func() { p.kill() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if m := openLine.FindStringSubmatch(sc.Text()); m != nil {
			p.base = strings.TrimSuffix(m[1], "/")
			break
		}
	}
	if p.base == "" {
		t.Fatal("the simulator did not say where it listens")
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return p
}

// kill ends the process with SIGKILL: nothing gets to shut down cleanly.
func (p *binSim) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
}

func (p *binSim) post(t *testing.T, body map[string]any) string {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(p.base+"/api/sim/messages", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /api/sim/messages: %d %s", resp.StatusCode, raw)
	}
	return string(raw)
}

func (p *binSim) get(t *testing.T, path string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, p.base+path, nil)
	req.Header.Set("Authorization", "Bearer sim")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, raw)
	}
	return raw
}

var drillNumber = regexp.MustCompile(`[A-Z]{2,5}-\d{6}-\d{4}`)

// applyValidasi plays a resident through Validasi NIK with two photos and returns the case
// number and the photos sent.
func (p *binSim) applyValidasi(t *testing.T, phone, nik string) (string, [][]byte) {
	t.Helper()
	var photos [][]byte
	var last string
	for i, step := range []string{"nik saya tidak bisa buat registrasi kartu sim", "2", nik, "photo:kk", "photo:ktp", "ya"} {
		body := map[string]any{"account": "nik", "from": phone, "id": fmt.Sprintf("%s-%d", phone, i)}
		if name, ok := strings.CutPrefix(step, "photo:"); ok {
			photo := loadPhoto(phone+name, name).Media.Data
			photos = append(photos, photo)
			body["text"] = name
			body["media"] = map[string]string{"mime": "image/jpeg", "filename": name + ".jpg", "data": base64.StdEncoding.EncodeToString(photo)}
		} else {
			body["text"] = step
		}
		last = p.post(t, body)
	}
	number := drillNumber.FindString(last)
	if number == "" {
		t.Fatalf("no case number in the last answer: %s", last)
	}
	return number, photos
}

type drillCase struct {
	Number    string `json:"number"`
	NIK       string `json:"nik"`
	Documents []struct {
		URL    string `json:"url"`
		SHA256 string `json:"sha256"`
	} `json:"documents"`
}

func runBinary(t *testing.T, bin, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// TestRestoreDrill is the drill of the README through the real binary: cases with photos in
// the simulator, a backup while it runs, kill -9, a restore into a new folder, and the
// simulator again on it: same cases, the same document bytes, numbers that continue.
func TestRestoreDrill(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	sim := startBinarySim(t, bin, dir, "old")
	residents := []struct{ phone, nik string }{{"085700000001", "3516131204850003"}, {"085700000002", "3516131204850003"}}
	photos := map[string][][]byte{}
	var numbers []string
	for _, r := range residents {
		n, p := sim.applyValidasi(t, r.phone, r.nik)
		numbers = append(numbers, n)
		photos[n] = p
	}

	out, err := runBinary(t, bin, dir, "backup", "--data", "old", "--out", "office.age")
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	identity := regexp.MustCompile(`AGE-SECRET-KEY-1[0-9A-Z]+`).FindString(out)
	if identity == "" {
		t.Fatalf("no throw-away identity printed:\n%s", out)
	}
	if err := os.WriteFile(filepath.Join(dir, "identity.txt"), []byte(identity+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sim.kill()

	sealed, err := os.ReadFile(filepath.Join(dir, "office.age"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range residents {
		if bytes.Contains(sealed, []byte(r.nik)) {
			t.Errorf("the backup holds NIK %s in the clear", r.nik)
		}
	}
	// A photo's first 64 bytes (three bytes such as a JPEG's FF D8 FF turn up in a megabyte of
	// ciphertext one run in a few dozen).
	for n, ps := range photos {
		for _, p := range ps {
			if bytes.Contains(sealed, p[:min(len(p), 64)]) {
				t.Errorf("the backup holds a photo of %s in the clear", n)
			}
		}
	}
	if bytes.Contains(sealed, []byte("SQLite format 3")) {
		t.Error("the backup holds SQLite bytes in the clear")
	}

	out, err = runBinary(t, bin, dir, "restore", "--from", "office.age", "--identity", "identity.txt", "--data", "new")
	if err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Integrity check ok; 4 documents decrypted") {
		t.Errorf("restore output does not report the checks:\n%s", out)
	}
	if out, err := runBinary(t, bin, dir, "restore", "--from", "office.age", "--identity", "identity.txt", "--data", "new"); err == nil {
		t.Errorf("a restore into a non-empty folder was accepted:\n%s", out)
	}

	sim = startBinarySim(t, bin, dir, "new")
	for _, n := range numbers {
		var c drillCase
		if err := json.Unmarshal(sim.get(t, "/api/cases/"+n), &c); err != nil {
			t.Fatal(err)
		}
		if len(c.Documents) != len(photos[n]) {
			t.Fatalf("%s: %d documents after the restore, want %d", n, len(c.Documents), len(photos[n]))
		}
		for i, d := range c.Documents {
			if got := sim.get(t, d.URL); !bytes.Equal(got, photos[n][i]) {
				t.Errorf("%s document %d: %d bytes differ from the %d sent", n, i, len(got), len(photos[n][i]))
			}
		}
	}
	next, _ := sim.applyValidasi(t, "085700000003", "3516131204850003")
	if want := nextNumber(t, numbers[len(numbers)-1]); next != want {
		t.Errorf("the next registration number after the restore is %s, want %s", next, want)
	}
}

func nextNumber(t *testing.T, n string) string {
	t.Helper()
	var seq int
	if _, err := fmt.Sscanf(n[len(n)-4:], "%d", &seq); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s%04d", n[:len(n)-4], seq+1)
}

// TestBackupRefusedWithoutRecipient: a WhatsApp data folder is never backed up unencrypted or
// to a throw-away key; the message says what to configure.
func TestBackupRefusedWithoutRecipient(t *testing.T) {
	data := t.TempDir()
	for _, f := range []string{"ketanmu.db", "whatsmeow.db"} {
		if err := os.WriteFile(filepath.Join(data, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "b.age")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"backup", "--config", MustWrite(t, "config.yaml", "log: {level: error}\n"),
		"--data", data, "--out", out}, &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "backup.recipients") {
		t.Errorf("backup without a recipient = %d, %q", code, stderr.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused backup wrote %s", out)
	}
}
