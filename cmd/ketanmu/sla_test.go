package main

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
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer the program and the test may use at the same time.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// simProcess is `ketanmu sim` running in the test, reached over HTTP like any other client.
type simProcess struct {
	tb  testing.TB
	url string
}

var openLine = regexp.MustCompile(`Open (http://\S+/) in your browser`)

// startSim runs `ketanmu sim --now now` on a free port and a fresh data folder until the test ends.
func startSim(tb testing.TB, now string) *simProcess {
	tb.Helper()
	return startSimWith(tb, now, "")
}

// startSimWith is startSim with extra config lines.
func startSimWith(tb testing.TB, now, config string) *simProcess {
	tb.Helper()
	cfgPath := MustWrite(tb, "config.yaml", "log: {level: error}\n"+config)
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"sim", "--config", cfgPath, "--addr", "127.0.0.1:0", "--data", tb.TempDir(), "--now", now},
			&stdout, &stderr)
	}()
	tb.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			tb.Errorf("ketanmu sim exited with %d: %s", code, stderr.String())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := openLine.FindStringSubmatch(stdout.String()); m != nil {
			return &simProcess{tb: tb, url: strings.TrimSuffix(m[1], "/")}
		}
		select {
		case code := <-done:
			tb.Fatalf("ketanmu sim exited with %d: %s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	tb.Fatalf("ketanmu sim did not start: %s %s", stdout.String(), stderr.String())
	return nil
}

func (p *simProcess) do(method, path string, body any) []byte {
	p.tb.Helper()
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			p.tb.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, p.url+path, r)
	if err != nil {
		p.tb.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.tb.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		p.tb.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		p.tb.Fatalf("%s %s = %d %s", method, path, res.StatusCode, data)
	}
	return data
}

// say posts a resident's message and returns the texts of the replies.
func (p *simProcess) say(from, text string, photo []byte) string {
	p.tb.Helper()
	msg := map[string]any{"account": "nik", "from": from, "text": text}
	if photo != nil {
		msg["media"] = map[string]string{"mime": "image/png", "filename": text + ".png", "data": base64.StdEncoding.EncodeToString(photo)}
	}
	var ans struct {
		Replies []struct {
			Text string `json:"text"`
		} `json:"replies"`
	}
	if err := json.Unmarshal(p.do(http.MethodPost, "/api/sim/messages", msg), &ans); err != nil {
		p.tb.Fatal(err)
	}
	var texts []string
	for _, r := range ans.Replies {
		texts = append(texts, r.Text)
	}
	return strings.Join(texts, "\n")
}

// fileNIKCase files a Validasi NIK request from phone and returns its registration number.
func (p *simProcess) fileNIKCase(phone string) string {
	p.tb.Helper()
	p.say(phone, "nik saya tidak bisa buat registrasi kartu sim", nil)
	p.say(phone, "2", nil)
	p.say(phone, "3516131204850003", nil)
	p.say(phone, "kk", photo(p.tb, color.RGBA{200, 0, 0, 255}))
	p.say(phone, "ktp", photo(p.tb, color.RGBA{0, 0, 200, 255}))
	done := p.say(phone, "ya", nil)
	number := regexp.MustCompile(`NIK-\d{6}-\d{4}`).FindString(done)
	if number == "" {
		p.tb.Fatalf("no registration number in %q", done)
	}
	return number
}

// advance moves the simulated clock and returns the new time.
func (p *simProcess) advance(d time.Duration) time.Time {
	p.tb.Helper()
	var ans struct {
		Now string `json:"now"`
	}
	if err := json.Unmarshal(p.do(http.MethodPost, "/api/sim/clock", map[string]string{"advance": d.String()}), &ans); err != nil {
		p.tb.Fatal(err)
	}
	now, err := time.Parse(time.RFC3339, ans.Now)
	if err != nil {
		p.tb.Fatal(err)
	}
	return now
}

// breaches returns the group's messages that report a breach of number.
func (p *simProcess) breaches(number string) []string {
	p.tb.Helper()
	return p.groupMessages("⛔ *Lewat batas waktu*", number)
}

// groupMessages returns the bot's messages in the NIK operators' group that contain every part.
func (p *simProcess) groupMessages(parts ...string) []string {
	p.tb.Helper()
	q := url.Values{"account": {"nik"}, "chat": {"120363000000000104@g.us"}}
	var lines []struct {
		Direction string `json:"direction"`
		Text      string `json:"text"`
	}
	if err := json.Unmarshal(p.do(http.MethodGet, "/api/sim/messages?"+q.Encode(), nil), &lines); err != nil {
		p.tb.Fatal(err)
	}
	var out []string
	for _, l := range lines {
		keep := l.Direction == "out"
		for _, part := range parts {
			keep = keep && strings.Contains(l.Text, part)
		}
		if keep {
			out = append(out, l.Text)
		}
	}
	return out
}

// photo returns a readable 800×600 PNG of one colour.
func photo(tb testing.TB, c color.RGBA) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for i := range img.Pix {
		img.Pix[i] = []uint8{c.R, c.G, c.B, c.A}[i%4]
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// A Validasi NIK request filed on Wednesday at 09:00 and not taken is reported late to the
// operators' group once the 10 working minutes of its first stage have passed (10 + 20 = the
// 30 minutes promised).
func TestSimNIKBreachAfterTenWorkingMinutes(t *testing.T) {
	p := startSim(t, "2026-11-25T09:00:00+07:00")
	number := p.fileNIKCase("081234567890")
	if got := p.breaches(number); len(got) != 0 {
		t.Fatalf("breach before any time passed: %q", got)
	}
	p.advance(9 * time.Minute)
	if got := p.breaches(number); len(got) != 0 {
		t.Fatalf("breach after 9 minutes: %q", got)
	}
	p.advance(2 * time.Minute)
	got := p.breaches(number)
	if len(got) != 1 {
		t.Fatalf("%d breach notices for %s in the group after 11 minutes, want 1", len(got), number)
	}
	if !strings.Contains(got[0], "Rabu, 25 November 2026 pukul 09.10") {
		t.Errorf("breach notice %q, want the deadline 09.10", got[0])
	}
	p.advance(time.Minute) // the next scan: nothing new
	if got := p.breaches(number); len(got) != 1 {
		t.Errorf("%d breach notices after another minute, want still 1", len(got))
	}
}

// One filed on Friday at 10:55 has five working minutes on Friday and five on Monday: not late
// over the weekend, late from Monday 08:05.
func TestSimNIKNotLateOverTheWeekend(t *testing.T) {
	p := startSim(t, "2026-11-27T10:55:00+07:00")
	number := p.fileNIKCase("081234567891")
	now := p.advance(48 * time.Hour)
	if now.Weekday() != time.Sunday {
		t.Fatalf("clock at %v, want Sunday", now)
	}
	if got := p.breaches(number); len(got) != 0 {
		t.Fatalf("breach on Sunday: %q", got)
	}
	monday := time.Date(2026, 11, 30, 8, 6, 0, 0, now.Location())
	p.advance(monday.Sub(now).Round(time.Second))
	if got := p.breaches(number); len(got) != 1 {
		t.Fatalf("%d breach notices on Monday 08:06, want 1", len(got))
	}
	// Monday's 07:30 digest ran too, against the simulated clock, and before the breach.
	digests := p.groupMessages("Ringkasan pagi", "Senin, 30 November 2026", "Terlama menunggu: *"+number)
	if len(digests) != 1 {
		t.Errorf("%d Monday digests naming %s, want 1", len(digests), number)
	}
	if got := p.groupMessages("Ringkasan pagi"); len(got) != 1 {
		t.Errorf("%d digests in all, want 1: none on Saturday or Sunday", len(got))
	}
}
