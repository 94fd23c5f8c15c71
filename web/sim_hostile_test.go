package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	pdfapi "github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/internal/testpdf"
)

// TestSimRefusesDecompressionBombs: a progressive 7200×7200 JPEG (0.3 MB, 780 MB to decode) and
// a PNG claiming 100,000×100,000 pixels sent at the photo step get the polite request for a
// readable photo, and a normal progressive photo is taken. The memory these cost the process is
// measured by `ketanmu memload` (README).
func TestSimRefusesDecompressionBombs(t *testing.T) {
	cfg := mustConfig(t, "")
	api := &simAPI{simEnv: mustSimEnv(t, cfg, "")}
	want := strings.Fields(cfg.Texts["doc_unreadable"])[0:3]
	for i, tc := range []struct {
		name, mime string
		data       []byte
		refused    bool
	}{
		{"progressive jpeg 7200x7200", "image/jpeg", testfix.ProgressiveJPEG(7200, 7200), true},
		{"png claiming 100000x100000", "image/png", testfix.PNGHeader(100_000, 100_000), true},
		{"progressive jpeg 1600x1200", "image/jpeg", testfix.ProgressiveJPEG(1600, 1200), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := "08129900000" + string(rune('1'+i))
			for _, text := range []string{"nik saya tidak bisa buat registrasi kartu sim", "2", "3516131204850003"} {
				api.MustPost(t, map[string]any{"account": "nik", "from": from, "text": text})
			}
			ans := api.MustPost(t, map[string]any{"account": "nik", "from": from,
				"media": map[string]string{"mime": tc.mime, "data": base64.StdEncoding.EncodeToString(tc.data)}})
			if len(ans.Replies) == 0 {
				t.Fatal("no answer")
			}
			last := ans.Replies[len(ans.Replies)-1].Text
			if got := strings.HasPrefix(last, strings.Join(want, " ")); got != tc.refused {
				t.Errorf("answer %q: refused = %v, want %v", last, got, tc.refused)
			}
		})
	}
}

// TestSimRefusesHostilePDFs: each PDF an operator should not open, sent at a document step, gets
// the polite answer; a plain scanned PDF of 3 pages is taken.
func TestSimRefusesHostilePDFs(t *testing.T) {
	cfg := mustConfig(t, "")
	api := &simAPI{simEnv: mustSimEnv(t, cfg, "")}
	refusal := strings.Join(strings.Fields(cfg.Texts["doc_unreadable"])[0:3], " ")
	var encrypted bytes.Buffer
	pdfapi.DisableConfigDir()
	if err := pdfapi.Encrypt(bytes.NewReader(testpdf.PDF(3)), &encrypted, model.NewAESConfiguration("", "owner-secret", 256)); err != nil {
		t.Fatal(err)
	}
	action := func(body string) []byte {
		return testpdf.Doc{Pages: 1, Catalog: "/OpenAction 3 0 R", Objects: []string{body}}.Bytes()
	}
	for i, tc := range []struct {
		name    string
		data    []byte
		refused bool
	}{
		{"scanned, 3 pages", testpdf.PDF(3), false},
		{"OpenAction JavaScript", action("<< /S /JavaScript /JS (app.alert\\(1\\)) >>"), true},
		{"Launch action", action("<< /S /Launch /F (cmd.exe) >>"), true},
		{"embedded file", testpdf.Doc{Pages: 1, Catalog: "/Names << /EmbeddedFiles 3 0 R >>", Objects: []string{
			"<< /Names [(a.txt) 4 0 R] >>", "<< /Type /Filespec /F (a.txt) /EF << /F 5 0 R >> >>",
			"<< /Type /EmbeddedFile /Length 2 >>\nstream\nhi\nendstream"}}.Bytes(), true},
		{"500 pages in object streams", testpdf.Doc{Pages: 500, ObjectStreams: true}.Bytes(), true},
		{"truncated", testpdf.PDF(3)[:300], true},
		{"encrypted", encrypted.Bytes(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := fmt.Sprintf("0812990001%02d", i)
			for _, text := range []string{"nik saya tidak bisa buat registrasi kartu sim", "2", "3516131204850003"} {
				api.MustPost(t, map[string]any{"account": "nik", "from": from, "text": text})
			}
			ans := api.MustPost(t, map[string]any{"account": "nik", "from": from, "media": map[string]string{
				"mime": "application/pdf", "filename": "kk.pdf", "data": base64.StdEncoding.EncodeToString(tc.data)}})
			last := ans.Replies[len(ans.Replies)-1].Text
			if got := strings.HasPrefix(last, refusal); got != tc.refused {
				t.Errorf("answer %q: refused = %v, want %v", last, got, tc.refused)
			}
		})
	}
}

// TestSimTextCap: the simulator takes a text as long as WhatsApp allows (65,536 characters) and
// refuses a longer one with 413, storing nothing; a message dated in the year 3000 is stored
// with the time it was received.
func TestSimTextCap(t *testing.T) {
	api := &simAPI{simEnv: mustSimEnv(t, mustConfig(t, ""), "")}
	api.MustPost(t, map[string]any{"account": "nik", "from": "081299000201", "text": strings.Repeat("é", 65536)})
	before := api.rowCounts(t)
	body, _ := json.Marshal(map[string]any{"account": "nik", "from": "081299000201", "text": strings.Repeat("a", 65537)})
	status, data := api.do(t, http.MethodPost, "/api/sim/messages", string(body))
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("text of 65,537 characters = %d %s, want 413", status, data)
	}
	if got := api.rowCounts(t); !maps.Equal(got, before) {
		t.Errorf("rows = %v after a refused text, want %v", got, before)
	}

	ans := api.MustPost(t, map[string]any{"account": "nik", "from": "081299000202", "text": "halo", "at": "3000-01-01T00:00:00Z"})
	var at string
	if err := api.DB.SQL().QueryRow(`SELECT at FROM messages WHERE wa_id = ?`, ans.ID).Scan(&at); err != nil {
		t.Fatal(err)
	}
	if now := api.MustNow(t); !strings.HasPrefix(at, now.UTC().Format("2006-01-02")) {
		t.Errorf("message dated in the year 3000 stored at %s, want the receive time %s", at, now)
	}
}
