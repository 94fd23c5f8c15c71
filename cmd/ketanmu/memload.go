package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ketanmu/ketanmu/internal/testfix"
)

// runMemLoad measures the peak memory of the simulator under hostile and heavy uploads. It starts
// `ketanmu sim` (this binary, or --server) as a child process with a data folder of its own,
// sends it files (and a 20 MB text) through the simulator's API as residents would, and prints the child's peak
// resident set (VmHWM in /proc, Linux only) after each step with the first words of the answer.
func runMemLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("memload", stderr)
	addr := fs.String("addr", "127.0.0.1:8199", "address for the simulator under test")
	server := fs.String("server", "", "the ketanmu binary to measure (default: this one)")
	account := fs.String("account", "nik", "the account (number) the residents write to")
	uploads := fs.Int("uploads", 64, "concurrent uploads of a 10 MB photo")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	exe := *server
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "ketanmu-memload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// Run in the empty data folder: with no config.yaml there, sim takes the built-in example.
	cmd := exec.CommandContext(ctx, exe, "sim", "--addr", *addr, "--data", dir)
	cmd.Dir = dir
	var childErr bytes.Buffer
	cmd.Stderr = &childErr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	m := &memLoad{base: "http://" + *addr, account: *account, pid: cmd.Process.Pid, out: stdout}
	if err := m.waitUp(ctx); err != nil {
		return fmt.Errorf("%w: %s", err, childErr.String())
	}
	m.report("started", "")
	m.report("progressive JPEG 7200x7200", m.send("081299000001", "image/jpeg", testfix.ProgressiveJPEG(7200, 7200)))
	m.report("PNG claiming 100000x100000", m.send("081299000002", "image/png", testfix.PNGHeader(100_000, 100_000)))
	m.report("progressive JPEG 2800x2800 (accepted)", m.send("081299000003", "image/jpeg", testfix.ProgressiveJPEG(2800, 2800)))
	m.report("text of 20 MB", m.post(map[string]any{"account": m.account, "from": "081299000004", "text": strings.Repeat("a", 20<<20)}))
	photo := noisyJPEG(10 << 20)
	var wg sync.WaitGroup
	answers := make([]string, *uploads)
	for i := range *uploads {
		wg.Go(func() { answers[i] = m.send(fmt.Sprintf("0812991%05d", i), "image/jpeg", photo) })
	}
	wg.Wait()
	m.report(fmt.Sprintf("%d concurrent uploads of %.1f MB", *uploads, float64(len(photo))/(1<<20)), answers[0])
	return nil
}

type memLoad struct {
	base    string
	account string
	pid     int
	out     io.Writer
}

func (m *memLoad) waitUp(ctx context.Context) error {
	for range 300 {
		if resp, err := http.Get(m.base + "/healthz"); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("the simulator did not start on %s", m.base)
}

// send brings a resident to the photo step of Validasi NIK (the load scenario's application),
// posts the file there and returns the last answer (or the error).
func (m *memLoad) send(from, mime string, data []byte) string {
	for _, text := range []string{"nik saya tidak bisa buat registrasi kartu sim", "2", "3516131204850003"} {
		m.post(map[string]any{"account": m.account, "from": from, "text": text})
	}
	return m.post(map[string]any{"account": m.account, "from": from,
		"media": map[string]string{"mime": mime, "data": base64.StdEncoding.EncodeToString(data)}})
}

func (m *memLoad) post(msg map[string]any) string {
	body, _ := json.Marshal(msg)
	resp, err := http.Post(m.base+"/api/sim/messages", "application/json", bytes.NewReader(body))
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	var got struct {
		Error   string `json:"error"`
		Replies []struct {
			Text string `json:"text"`
		} `json:"replies"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Sprintf("HTTP %d %s", resp.StatusCode, got.Error)
	}
	if len(got.Replies) == 0 {
		return "(no answer)"
	}
	return got.Replies[len(got.Replies)-1].Text
}

func (m *memLoad) report(step, answer string) {
	answer = strings.Join(strings.Fields(answer), " ")
	if len(answer) > 60 {
		answer = answer[:60] + "…"
	}
	fmt.Fprintf(m.out, "%-40s peak %4d MB  %s\n", step, m.peakMB(), answer)
}

// peakMB is the child's VmHWM: the most memory it has held in RAM since it started.
func (m *memLoad) peakMB() int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", m.pid))
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kb >> 10
		}
	}
	return -1
}

// noisyJPEG is a baseline photo of random noise, as large as will fit under limit bytes.
func noisyJPEG(limit int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	best := []byte(nil)
	for side := 1800; ; side += 200 {
		img := image.NewRGBA(image.Rect(0, 0, side, side))
		for i := range img.Pix {
			img.Pix[i] = uint8(r.UintN(256))
		}
		for y := range side {
			img.Set(0, y, color.Black)
		}
		var buf bytes.Buffer
		_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
		if buf.Len() > limit {
			return best
		}
		best = buf.Bytes()
	}
}
