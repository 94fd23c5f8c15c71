package web_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/ketanmu/ketanmu/internal/testfix"
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
