package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var leftPlaceholder = regexp.MustCompile(`\{[a-z_]+\}`)

// TestBrowserOpsFreeTextFix: a fix asked in words only, answered with a photo. The resident
// reads what the officer wrote, the photo meets it (no placeholder, no document nobody asked
// for), the resident is told once, and the case is back where it was, with its assignee, marked
// "Perbaikan masuk" on its page and in the queue.
func TestBrowserOpsFreeTextFix(t *testing.T) {
	env := MustCasesAPI(t, "")
	number, _ := env.MustApply(t, apiResident, "3516131204850003")
	b := newBrowser(t, 1366, 768)
	if status := b.login(env.URL, rina, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	b.load(chromedp.Navigate(env.URL + "/ops/cases/" + number))
	b.load(chromedp.Click(chromedp.CSS("#act-take")))
	b.eval(`document.querySelector("#form-fix").closest("details").open = true; "ok"`)
	b.do(chromedp.SetValue(chromedp.CSS("#fix-text"), "Mohon kirim foto akta kelahiran Ibu"))
	b.load(chromedp.Click(chromedp.CSS(`#form-fix button[type=submit]`)))
	if st := b.text(".stage"); st != "Menunggu perbaikan pemohon" {
		t.Fatalf("after asking for a fix, the stage reads %q (%s)", st, b.text(".error"))
	}
	waitOutbox(t, env)
	before := len(transcript(t, env.URL, "kkktp", apiResident))

	b.eval(`window.stayed = "yes"; "ok"`)
	env.post(t, map[string]any{"account": "kkktp", "from": apiResident, "text": "ini fotonya pak", "media": map[string]string{
		"mime": "image/jpeg", "filename": "akta-ibu.jpg", "data": b64(documentJPEG(t, "akta-ibu"))}})
	b.wait("the case back, marked", `!!document.querySelector("#case-status .fixback")`)
	if b.eval(`window.stayed || "reloaded"`) != "yes" {
		t.Error("the case page reloaded instead of updating itself")
	}
	if st, status := b.text(".stage"), b.text("#case-status"); st != "Diperiksa" || !strings.Contains(status, rina) {
		t.Errorf("after the fix: stage %q, status %q; want Diperiksa with %s", st, status, rina)
	}
	b.wait("the answer among the documents", `document.querySelector("#docs").innerText.includes("Lampiran")`)
	b.screenshot("ops-case-fixed-1366", 1366)

	// The resident: one acknowledgement, nothing more asked, nothing unfilled.
	env.post(t, map[string]any{"account": "kkktp", "from": apiResident, "text": "terima kasih"})
	waitOutbox(t, env)
	var out []string
	for _, m := range transcript(t, env.URL, "kkktp", apiResident)[before:] {
		if m.Direction == "out" {
			out = append(out, m.Text)
		}
	}
	all := strings.Join(out, "\n")
	if leftPlaceholder.MatchString(all) {
		t.Errorf("a placeholder reached the resident: %q", all)
	}
	if strings.Count(all, "perbaikan untuk *"+number+"* sudah kami terima") != 1 {
		t.Errorf("the resident was not told exactly once that the fix arrived: %q", all)
	}
	for _, unwanted := range []string{"Akta Kelahiran", "sedang diperiksa", "Silakan kirim foto berikut"} {
		if strings.Contains(all, unwanted) {
			t.Errorf("after the fix the resident read %q: %q", unwanted, all)
		}
	}

	b.load(chromedp.Navigate(env.URL + "/ops/"))
	row := `tr[data-number="` + number + `"]`
	if txt := b.text(row); !strings.Contains(txt, "Perbaikan masuk") || !strings.Contains(txt, rina) {
		t.Errorf("the queue row reads %q; want Perbaikan masuk and %s", txt, rina)
	}
	p := newBrowser(t, 400, 860)
	if status := p.login(env.URL, rina, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	p.load(chromedp.Navigate(env.URL + "/ops/cases/" + number))
	p.screenshot("ops-case-fixed-400", 400)
}
