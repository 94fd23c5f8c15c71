package web_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/chromedp/chromedp"
)

// TestBrowserSKM opens the reports page's SKM tab in Chromium over surveys of two services: the
// office's IKM and category, a line per service, the nine bars of each chart, the suggestions
// masked and newest first, the CSV and the printable summary.
func TestBrowserSKM(t *testing.T) {
	env := MustCasesAPI(t, "")
	seed := func(phone, account, service, prefix, suggestion string, scores ...int) skmSeed {
		return skmSeed{phone: phone, account: account, service: service, prefix: prefix, stage: ketanmu.StageDone,
			scores: scores, suggestion: suggestion}
	}
	mustSeedSKM(t, env.DB, []skmSeed{
		seed("6281200000101", "kkktp", "kk_ktp", "KTP", "Lama, NIK 3516131204850003 saya ditolak", 4, 4, 3, 4, 3, 4, 4, 3, 4),
		seed("6281200000102", "kkktp", "kk_ktp", "KTP", "", 3, 3, 3, 4, 3, 3, 4, 3, 3),
		{phone: "6281200000104", account: "kkktp", service: "kk_ktp", prefix: "KTP", stage: ketanmu.StageDone}, // not surveyed
	})
	env.Clock.Advance(time.Hour)
	mustSeedSKM(t, env.DB, []skmSeed{
		seed("6281200000103", "akta", "akta", "AKT", "Cepat, hubungi 0812-3456-7890 kalau perlu", 4, 4, 4, 4, 4, 4, 4, 4, 4),
	})

	b := newBrowser(t, 1366, 768)
	if status := b.login(env.URL, kadis, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	b.load(chromedp.Navigate(env.URL + "/ops/reports?from=2026-11-25&to=2026-11-25"))
	b.load(chromedp.Click(chromedp.CSS(`nav.tabs a[href^="/ops/reports/skm"]`)))
	// kk_ktp: Σ NRR (3.5 3.5 3 4 3 3.5 4 3 3.5) = 31 → 86.11; with akta's 4s: Σ 11/3·… see below.
	// Office over three: U1 11/3, U2 11/3, U3 10/3, U4 4, U5 10/3, U6 11/3, U7 4, U8 10/3, U9 11/3;
	// Σ = 100/3 + … = (11+11+10+12+10+11+12+10+11)/3 = 98/3; × 25 / 9 = 90.74 (A).
	if got := b.text("#skm-office"); !strings.Contains(got, "IKM 90,74") || !strings.Contains(got, "mutu A (sangat baik)") ||
		!strings.Contains(got, "3 responden dari 4") || !strings.Contains(got, "sampel minimal 4") ||
		!strings.Contains(got, "Sampel belum cukup") {
		t.Errorf("office card = %q, want IKM 90,74, A, 3 of 4 (minimum 4) and not enough to publish", got)
	}
	rows := b.text("#skm-services")
	if !strings.Contains(rows, "86,11") || !strings.Contains(rows, "B (baik)") || !strings.Contains(rows, "100,00") {
		t.Errorf("services table = %q, want KK/KTP 86,11 B and Akta 100,00", rows)
	}
	if n := b.eval(`String(document.querySelector(".skm-chart .chart").querySelectorAll("rect.bar").length)`); n != "9" {
		t.Errorf("a service chart has %s bars, want 9", n)
	}
	sugg := b.text("#skm-suggestions")
	if strings.Contains(sugg, "3516131204850003") || strings.Contains(sugg, "3456-7890") || strings.Contains(sugg, "81234567890") {
		t.Errorf("suggestions show a NIK or a phone number: %q", sugg)
	}
	if i, j := strings.Index(sugg, "Cepat"), strings.Index(sugg, "Lama"); i < 0 || j < 0 || i > j {
		t.Errorf("suggestions = %q, want both, newest first", sugg)
	}
	b.screenshot("ops-skm-1366", 1366)

	csv := b.eval(`fetch(document.querySelector('a[href^="/ops/reports/skm.csv"]').href).then(r => r.text())`)
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "from,to,service,name,respondents,population,min_sample,U1,") ||
		!strings.Contains(lines[1], ",3,4,4,3.667,3.667,3.333,4.000,3.333,3.667,4.000,3.333,3.667,90.74,A,sangat baik") {
		t.Errorf("CSV = %q", csv)
	}

	b.load(chromedp.Navigate(env.URL + "/ops/reports/skm/print?from=2026-11-25&to=2026-11-25"))
	if ikm, cat, n := b.text("#print-ikm"), b.text("#print-category"), b.text("#print-respondents"); ikm != "90,74" || cat != "A" || n != "3" {
		t.Errorf("printed summary: IKM %q, category %q, respondents %q", ikm, cat, n)
	}
	if got := b.text("h2"); !strings.Contains(got, "periode 25 November 2026 s.d. 25 November 2026") {
		t.Errorf("printed summary's heading = %q, want the period in Indonesian", got)
	}
	if got := b.eval(`getComputedStyle(document.querySelector(".big div")).borderTopWidth`); got != "2px" {
		t.Errorf("printed summary's style not applied (border %q)", got)
	}
	b.wait("the print button", `!document.getElementById("print").disabled`)
	b.screenshot("ops-skm-print-1366", 1366)
	// One A4 page at 96 dpi is about 1123 px tall.
	if h, _ := strconv.Atoi(b.eval(`String(document.documentElement.scrollHeight)`)); h == 0 || h > 1123 {
		t.Errorf("printed summary is %d px tall, want one page", h)
	}

	// At phone width nothing sticks out sideways.
	phone := newBrowser(t, 400, 800)
	phone.login(env.URL, kadis, "sim")
	phone.load(chromedp.Navigate(env.URL + "/ops/reports/skm?from=2026-11-25&to=2026-11-25"))
	phone.screenshot("ops-skm-400", 400)
}
