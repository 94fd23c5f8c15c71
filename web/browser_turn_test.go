package web_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

const dewi = "Dewi (produksi)"

// TestBrowserOpsPakPosTurns walks a PAK POS case (docs/examples/wonogiri.yaml) through the
// front office, the validator, production and the head of office, each signed in on their own:
// at every step the case page says whose turn it is, the person whose turn it is finds the case
// under "Tugas saya" and the button of their step, and the others do not.
func TestBrowserOpsPakPosTurns(t *testing.T) {
	cfg := mustConfig(t, filepath.Join("..", "docs", "examples", "wonogiri.yaml"))
	brisk(cfg)
	env := &casesAPI{simEnv: mustSimEnv(t, cfg, "")}
	env.MustCases(t, 1, []string{"kk_ktp"}, []string{"submitted"}, []string{apiResident})
	var number string
	if err := env.DB.SQL().QueryRow(`SELECT number FROM cases`).Scan(&number); err != nil {
		t.Fatal(err)
	}
	// The resident chose the post: after signing the document is printed, not sent as a PDF.
	if _, err := env.DB.SQL().Exec(`UPDATE cases SET details = json_set(details, '$.delivery', 'post')`); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, 1366, 768)
	page := env.URL + "/ops/cases/" + number
	signedIn := ""
	as := func(name string) {
		t.Helper()
		if signedIn != "" {
			b.load(chromedp.Click(chromedp.CSS(`.me button`)))
		}
		if status := b.login(env.URL, name, "sim"); status != 200 {
			t.Fatalf("login %s: %d", name, status)
		}
		signedIn = name
	}
	tasks := func() string {
		t.Helper()
		b.load(chromedp.Navigate(env.URL + "/ops/?who=tasks"))
		return b.text("#live")
	}
	// step signs in as who, checks the turn and "Tugas saya" (where the turn is a role's, not
	// the resident's), and clicks the step's button.
	step := func(who, wantTurn, button string) {
		t.Helper()
		as(who)
		staff := strings.HasPrefix(wantTurn, "Menunggu:")
		if got := tasks(); strings.Contains(got, number) != staff {
			t.Errorf("%s: Tugas saya lists %s: %v, want %v (%q)", who, number, !staff, staff, got)
		}
		b.load(chromedp.Navigate(page))
		if staff {
			wantTurn += " (giliran Anda)"
		}
		if got := b.text("#case-turn"); got != wantTurn {
			t.Errorf("%s before %s: the turn reads %q, want %q", who, button, got, wantTurn)
		}
		b.load(chromedp.Click(chromedp.CSS(button)))
		if e := b.text(".error"); e != "" {
			t.Fatalf("%s %s: %s", who, button, e)
		}
	}
	notTheirs := func(who, wantTurn string) {
		t.Helper()
		as(who)
		if got := tasks(); strings.Contains(got, number) {
			t.Errorf("%s: Tugas saya lists %s while it waits on someone else (%s)", who, number, wantTurn)
		}
		b.load(chromedp.Navigate(page))
		if got := b.text("#case-turn"); got != wantTurn {
			t.Errorf("%s: the turn reads %q, want %q", who, got, wantTurn)
		}
	}

	step(rina, "Menunggu: petugas layanan", "#act-take")
	notTheirs(rina, "Menunggu: validator")
	step(agus, "Menunggu: validator", "#act-move-validated")
	notTheirs(agus, "Menunggu pemohon mengirim berkas")
	step(rina, "Menunggu pemohon mengirim berkas", "#act-move-files_received")
	notTheirs(rina, "Menunggu: produksi")
	b.screenshot("ops-case-turn-1366", 1366)
	step(dewi, "Menunggu: produksi", "#act-move-in_production")
	step(dewi, "Menunggu: produksi", "#act-move-signing")
	notTheirs(dewi, "Menunggu: kepala dinas")
	step(kadis, "Menunggu: kepala dinas", "#act-move-signed")
	step(dewi, "Menunggu: produksi", "#act-move-printed")
	if st := b.text(".stage"); st != "Sudah dicetak" {
		t.Errorf("after printing the stage reads %q", st)
	}
	if got := b.text("#case-turn"); got != "Menunggu: Rina (front office)" {
		t.Errorf("after printing the turn reads %q, want the front office who has the case", got)
	}
	b.load(chromedp.Navigate(env.URL + "/ops/?who=tasks"))
	b.screenshot("ops-tasks-1366", 1366)
	p := newBrowser(t, 400, 860)
	if status := p.login(env.URL, rina, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	p.load(chromedp.Navigate(env.URL + "/ops/?who=tasks"))
	p.screenshot("ops-tasks-400", 400)
}

// TestBrowserOpsAlsoOpen: when a second person opens a case, the first one's page says so
// without a reload (the live stream), and the second one's page names the first.
func TestBrowserOpsAlsoOpen(t *testing.T) {
	env := MustCasesAPI(t, "")
	env.MustCases(t, 1, []string{"kk_ktp"}, []string{"submitted"}, []string{apiResident})
	var number string
	if err := env.DB.SQL().QueryRow(`SELECT number FROM cases`).Scan(&number); err != nil {
		t.Fatal(err)
	}
	a := newBrowser(t, 1366, 768)
	if status := a.login(env.URL, rina, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	a.load(chromedp.Navigate(env.URL + "/ops/cases/" + number))
	a.wait("the live stream", `document.getElementById("live-status").hidden`)
	if got := a.text("#case-also"); got != "" {
		t.Errorf("alone on the case, the page says %q", got)
	}
	a.eval(`window.stayed = "yes"; "ok"`)
	b := newBrowser(t, 400, 860)
	if status := b.login(env.URL, agus, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	b.load(chromedp.Navigate(env.URL + "/ops/cases/" + number))
	if got := b.text("#case-also"); !strings.Contains(got, rina) {
		t.Errorf("the second page says %q, want %s named", got, rina)
	}
	b.screenshot("ops-case-also-400", 400)
	a.wait("the notice on the first page", `(document.querySelector("#case-also") || {innerText: ""}).innerText.includes("Agus")`)
	if a.eval(`window.stayed || "reloaded"`) != "yes" {
		t.Error("the first page reloaded instead of updating itself")
	}
}
