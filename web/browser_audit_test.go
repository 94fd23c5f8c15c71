package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserOpsAudit: the case page ships small thumbnails, not the photos; opening a photo
// twice and reloading the page is one audit row (per person, document and 30 minutes), named
// as operators read it, and a stage change reads in stage names.
func TestBrowserOpsAudit(t *testing.T) {
	env := MustCasesAPI(t, "")
	number, photos := env.MustApply(t, apiResident, "3516131204850003")
	b := newBrowser(t, 1366, 768)
	if status := b.login(env.URL, kadis, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	page := env.URL + "/ops/cases/" + number
	b.load(chromedp.Navigate(page))
	b.wait("the thumbnails", `Array.from(document.querySelectorAll(".doc img")).every(i => i.complete && i.naturalWidth > 0)`)
	if w := b.eval(`String(Math.max(...Array.from(document.querySelectorAll(".doc img")).map(i => i.naturalWidth)))`); w != "320" {
		t.Errorf("the widest thumbnail is %s px, want 320", w)
	}
	size := b.eval(`fetch(document.querySelector(".doc img").src).then(r => r.blob()).then(b => String(b.size))`)
	if n := atoi(t, size); n <= 0 || n*2 > len(photos[0]) { // an 800×600 test photo; a phone's is ten times larger
		t.Errorf("a thumbnail is %d bytes for a %d-byte photo", n, len(photos[0]))
	}
	for range 2 {
		b.do(chromedp.Click(chromedp.CSS(`.doc button.thumb`)))
		b.wait("the photo in the viewer", `document.getElementById("viewer").open && document.querySelector("#viewer img").naturalWidth > 0`)
		b.do(chromedp.Click(chromedp.CSS(`#viewer [data-close]`)))
	}
	b.load(chromedp.Navigate(page))
	b.do(chromedp.Click(chromedp.CSS(`.doc button.thumb`)))
	b.wait("the photo in the viewer", `document.getElementById("viewer").open && document.querySelector("#viewer img").naturalWidth > 0`)
	b.load(chromedp.Navigate(page))
	b.load(chromedp.Click(chromedp.CSS("#act-take")))

	b.load(chromedp.Navigate(env.URL + "/ops/audit?number=" + number))
	rows := b.eval(`Array.from(document.querySelectorAll(".audit tbody tr")).map(r => r.innerText).join("\n")`)
	if n := strings.Count(rows, "melihat dokumen"); n != 1 {
		t.Errorf("%d view rows for one document viewed three times, want 1:\n%s", n, rows)
	}
	if !strings.Contains(rows, "KTP-el") && !strings.Contains(rows, "Kartu Keluarga") {
		t.Errorf("the view row does not name the document:\n%s", rows)
	}
	if !strings.Contains(rows, "Menunggu diperiksa → Diperiksa") || strings.Contains(rows, "submitted") {
		t.Errorf("the stage change does not read in stage names:\n%s", rows)
	}
	b.screenshot("ops-audit-1366", 1366)
	p := newBrowser(t, 400, 860)
	if status := p.login(env.URL, kadis, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	p.load(chromedp.Navigate(env.URL + "/ops/audit?number=" + number))
	p.screenshot("ops-audit-400", 400)
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return n
}
