package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserOpsLabel: a case to be delivered by post has a printable A6 address label with the
// name, address, desa, kecamatan, postal code, registration number and the COD note; printing
// it is audited. A case collected at the counter has none.
func TestBrowserOpsLabel(t *testing.T) {
	env := MustCasesAPI(t, "")
	env.MustCases(t, 2, []string{"kk_ktp"}, []string{"in_production"}, []string{"6281298765477", "6281298765488"})
	var post, pickup string
	if err := env.DB.SQL().QueryRow(`SELECT MIN(number), MAX(number) FROM cases`).Scan(&post, &pickup); err != nil {
		t.Fatal(err)
	}
	if _, err := env.DB.SQL().Exec(`UPDATE cases SET details = ? WHERE number = ?`,
		`{"delivery":"post","address":"Jl. Melati No. 7 RT 02 RW 03","desa":"Sooko","kecamatan":"Sooko","postal_code":"61361"}`, post); err != nil {
		t.Fatal(err)
	}
	if _, err := env.DB.SQL().Exec(`UPDATE cases SET details = '{"delivery":"pickup"}' WHERE number = ?`, pickup); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, 1366, 768)
	if status := b.login(env.URL, rina, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	b.load(chromedp.Navigate(env.URL + "/ops/cases/" + post))
	if b.eval(`String(!!document.querySelector("#act-label"))`) != "true" {
		t.Fatal("a case by post has no label link")
	}
	if st := b.load(chromedp.Navigate(env.URL + "/ops/cases/" + post + "/label")); st != 200 {
		t.Fatalf("label = %d", st)
	}
	label := b.text(".label")
	for _, want := range []string{"Warga 0", "Jl. Melati No. 7", "Desa/Kel. Sooko, Kec. Sooko", "61361", post, "COD"} {
		if !strings.Contains(label, want) {
			t.Errorf("the label lacks %q:\n%s", want, label)
		}
	}
	b.screenshot("ops-label-1366", 1366)
	var printed int
	_ = env.DB.SQL().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'label' AND actor = ?`, rina).Scan(&printed)
	if printed != 1 {
		t.Errorf("%d label prints audited, want 1", printed)
	}
	b.load(chromedp.Navigate(env.URL + "/ops/cases/" + pickup))
	if b.eval(`String(!!document.querySelector("#act-label"))`) != "false" {
		t.Error("a case collected at the counter offers a postal label")
	}
	if st := b.load(chromedp.Navigate(env.URL + "/ops/cases/" + pickup + "/label")); st != 400 {
		t.Errorf("the label of a case collected at the counter = %d, want 400", st)
	}
	p := newBrowser(t, 400, 860)
	if status := p.login(env.URL, rina, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	p.load(chromedp.Navigate(env.URL + "/ops/cases/" + post + "/label"))
	p.screenshot("ops-label-400", 400)
}
