package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const chromiumPath = "/usr/bin/chromium"

// TestBrowserSimulator drives the simulator page in headless Chromium. There is no DevTools
// client in the standard library, so the page has a test hook instead: ?autotest=TEXT sends TEXT
// through the composer's own send path, waits until the replies are rendered and sets the title
// to "done". Chromium's --dump-dom then shows the rendered page, --screenshot a picture of it.
// Set KETANMU_SCREENSHOTS to a folder to keep the screenshots.
func TestBrowserSimulator(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("%s not installed (run .ci/install-browser)", chromiumPath)
		}
		t.Fatalf("%s not installed; .ci/install-browser should have installed it", chromiumPath)
	}
	srv := mustSimEnv(t, mustConfig(t, ""), "")
	const resident = "081234567890"

	t.Run("send from the composer", func(t *testing.T) {
		q := url.Values{"account": {"kkktp"}, "chat": {resident}, "autotest": {"halo"}}
		dom := chromium(t, "--dump-dom", srv.URL+"/?"+q.Encode())
		if !strings.Contains(dom, "<title>done</title>") {
			t.Fatalf("autotest did not finish; title: %q", between(dom, "<title>", "</title>"))
		}
		msgs := between(dom, `id="messages"`, `id="composer"`)
		for _, want := range []string{`class="row in first"`, ">halo<", `class="row out first"`, "Selamat datang"} {
			if !strings.Contains(msgs, want) {
				t.Errorf("#messages lacks %q:\n%s", want, msgs)
			}
		}
		if !strings.Contains(msgs, "<strong>") {
			t.Errorf("#messages has no bold text; the greeting's *…* should be rendered bold:\n%s", msgs)
		}

		got := transcript(t, srv.URL, "kkktp", resident)
		if len(got) < 2 || got[0].Direction != "in" || got[0].Text != "halo" ||
			got[1].Direction != "out" || !strings.Contains(got[1].Text, "Selamat datang") {
			t.Errorf("transcript = %+v, want the resident's halo, then the bot's greeting", got)
		}
		for _, m := range got[1:] {
			if m.Direction != "out" || !strings.Contains(msgs, `data-id="`+m.ID+`"`) {
				t.Errorf("bot reply %s (%s) not rendered in #messages", m.ID, m.Direction)
			}
		}
	})

	t.Run("delivery ticks", func(t *testing.T) {
		deadline := time.Now().Add(10 * time.Second)
		for {
			var n int
			if err := srv.DB.SQL().QueryRow(`SELECT COUNT(*) FROM outbox WHERE status = 'pending'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d messages still queued", n)
			}
			time.Sleep(20 * time.Millisecond)
		}
		q := url.Values{"account": {"kkktp"}, "chat": {resident}}
		msgs := between(chromium(t, "--dump-dom", srv.URL+"/?"+q.Encode()), `id="messages"`, `id="composer"`)
		if sent := strings.Count(msgs, `class="tick sent"`); sent < 2 {
			t.Errorf("%d replies with a sent tick, want every reply (at least 2):\n%s", sent, msgs)
		}
		if strings.Contains(msgs, `class="tick queued"`) {
			t.Errorf("a reply still shows the queued clock after the outbox emptied:\n%s", msgs)
		}
	})

	t.Run("screenshot with a photo", func(t *testing.T) {
		postImage(t, srv.URL, "kkktp", resident)
		q := url.Values{"account": {"kkktp"}, "chat": {resident}}
		shot := filepath.Join(t.TempDir(), "sim.png")
		chromium(t, "--screenshot="+shot, srv.URL+"/?"+q.Encode())
		data, err := os.ReadFile(shot)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("screenshot is not a PNG (%d bytes): %v", len(data), err)
		}
		if cfg.Width != 1280 || cfg.Height != 800 {
			t.Errorf("screenshot is %dx%d, want 1280x800", cfg.Width, cfg.Height)
		}
		if dir := os.Getenv("KETANMU_SCREENSHOTS"); dir != "" {
			if err := os.WriteFile(filepath.Join(dir, "sim-screenshot.png"), data, 0o644); err != nil {
				t.Error(err)
			}
		}
	})
}

// chromium runs headless Chromium on pageURL with one command flag (--dump-dom or
// --screenshot=FILE) and returns its stdout. The virtual time budget lets the page's timers
// (the 1 s poll) run without waiting for them in real time.
func chromium(t *testing.T, command, pageURL string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromiumPath, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-quic", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-extensions", "--no-proxy-server",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir="+t.TempDir(),
		"--window-size=1280,800", "--virtual-time-budget=10000", command, pageURL)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", command, err, tail(stderr.String(), 2000))
	}
	return stdout.String()
}

type entry struct {
	ID        string `json:"id"`
	Direction string `json:"direction"`
	FromMe    bool   `json:"from_me"`
	Text      string `json:"text"`
	Media     *struct {
		Mime string `json:"mime"`
		URL  string `json:"url"`
	} `json:"media"`
}

func transcript(t *testing.T, base, account, chat string) []entry {
	t.Helper()
	res, err := http.Get(base + "/api/sim/messages?" + url.Values{"account": {account}, "chat": {chat}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET transcript: %s", res.Status)
	}
	var out []entry
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// postImage sends a small generated photo of a document, with a caption, as the resident.
func postImage(t *testing.T, base, account, from string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := range 200 {
		for x := range 320 {
			c := color.RGBA{R: 220, G: 230, B: 245, A: 255}
			if y < 40 {
				c = color.RGBA{R: 30, G: 90, B: 160, A: 255}
			} else if y%24 < 3 && x > 20 && x < 300 {
				c = color.RGBA{R: 120, G: 120, B: 120, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"account": account, "from": from, "text": "foto KK saya",
		"media": map[string]string{"mime": "image/png", "filename": "kk.png",
			"data": base64.StdEncoding.EncodeToString(buf.Bytes())}})
	res, err := http.Post(base+"/api/sim/messages", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(res.Body)
		t.Fatalf("POST image: %s %s", res.Status, msg)
	}
}

// between returns the part of s after the first start and before the next end after it.
func between(s, start, end string) string {
	_, s, _ = strings.Cut(s, start)
	s, _, _ = strings.Cut(s, end)
	return s
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
