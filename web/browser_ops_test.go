package web_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is a headless Chromium tab driven over the DevTools protocol.
type browser struct {
	t   *testing.T
	ctx context.Context
}

func newBrowser(t *testing.T, width, height int) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("%s not installed (run .ci/install-browser)", chromiumPath)
		}
		t.Fatalf("%s not installed; .ci/install-browser should have installed it", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(width, height), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("no-proxy-server", true), chromedp.Flag("hide-scrollbars", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx}
	// The first action starts the browser, under the test's context: a step's shorter timeout
	// must not end the browser with it.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	return b
}

// step bounds one browser action, so that a missing element fails the test quickly.
const step = 20 * time.Second

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, step)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// load runs steps that end in a page load (a link, a form) and waits for it.
func (b *browser) load(steps ...chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, step)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	return res.Status
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser: evaluate %s: %v", js, err)
	}
	return s
}

// wait waits until the JavaScript expression is true.
func (b *browser) wait(what, expr string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(20*time.Second),
		chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		b.t.Fatalf("waiting for %s: %v\npage: %.1500s", what, err, b.eval(`document.querySelector("main").innerText`))
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	return b.eval(`(document.querySelector(` + jsString(sel) + `) || {innerText: ""}).innerText`)
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// screenshot saves the whole page as PNG (in KETANMU_SCREENSHOTS when set) and checks its width.
func (b *browser) screenshot(name string, width int) {
	b.t.Helper()
	data, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != width {
		b.t.Errorf("screenshot %s: %v, %d px wide, want %d", name, err, cfg.Width, width)
	}
	dir := os.Getenv("KETANMU_SCREENSHOTS")
	if dir == "" {
		dir = b.t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), data, 0o644); err != nil {
		b.t.Error(err)
	}
	// Nothing may stick out sideways: at 400 px the page must not scroll horizontally.
	if w := b.eval(`String(document.documentElement.scrollWidth)`); w != itoa(width) {
		b.t.Errorf("%s: page is %s px wide in a %d px window", name, w, width)
	}
}

func (b *browser) login(base, name, password string) int64 {
	b.t.Helper()
	b.load(chromedp.Navigate(base + "/ops/login"))
	b.do(chromedp.SetValue(chromedp.CSS("#name"), name), chromedp.SetValue(chromedp.CSS("#password"), password))
	return b.load(chromedp.Click(chromedp.CSS(`.login button[type=submit]`)))
}

// TestBrowserOps drives the workspace in Chromium through a case's whole life: log in, a new
// case appears in the queue without a reload, open it with the keyboard, view a photo, take it,
// ask for a fix, the resident's new photo appears on the page, move it to done; and the
// refusals: a wrong password, a POST without the CSRF token, a page the role may not open, the
// session after logout. Screenshots at 1366×768 and 400 px wide.
func TestBrowserOps(t *testing.T) {
	env := MustCasesAPI(t, "")
	b := newBrowser(t, 1366, 768)

	if status := b.login(env.URL, rina, "salah"); status != 401 || !strings.Contains(b.text(".error"), "Nama atau kata sandi salah.") {
		t.Fatalf("wrong password: %d %q", status, b.text(".error"))
	}
	if status := b.login(env.URL, rina, "sim"); status != 200 || !strings.Contains(b.text(".me"), rina) {
		t.Fatalf("login: %d, header %q", status, b.text(".me"))
	}
	b.eval(`window.stayed = "yes"; "ok"`) // gone if the page reloads
	b.wait("the live stream", `document.getElementById("live-status").hidden`)

	number, _ := env.MustApply(t, apiResident, "3516131204850003")
	b.wait("the new case in the queue", `!!document.querySelector('tr[data-number="`+number+`"]')`)
	if b.eval(`window.stayed || "reloaded"`) != "yes" {
		t.Error("the queue reloaded instead of updating itself")
	}
	if cls := b.eval(`document.querySelector('tr[data-number="` + number + `"] .clock').className`); cls != "clock ok" {
		t.Errorf("the new case's countdown is %q, want green (clock ok)", cls)
	}
	b.screenshot("ops-queue-1366", 1366)

	// Keyboard: j moves to the first row, Enter opens it.
	b.do(chromedp.KeyEvent("j"))
	b.wait("a focused row", `document.activeElement.tagName === "TR"`)
	b.load(chromedp.KeyEvent("\r"))
	if h1 := b.text("h1"); !strings.Contains(h1, number) {
		t.Fatalf("Enter opened %q, want %s", h1, number)
	}

	// A photo, zoomed and rotated.
	b.do(chromedp.Click(chromedp.CSS(`.doc button.thumb`)))
	b.wait("the photo in the viewer", `document.getElementById("viewer").open && document.querySelector("#viewer img").naturalWidth > 0`)
	b.do(chromedp.Click(chromedp.CSS(`#viewer [data-zoom="1.25"]`)), chromedp.Click(chromedp.CSS(`#viewer [data-rotate]`)))
	if tr := b.eval(`document.querySelector("#viewer img").style.transform`); tr != "rotate(90deg) scale(1.25)" {
		t.Errorf("viewer transform %q after zoom and rotate", tr)
	}
	b.do(chromedp.Click(chromedp.CSS(`#viewer [data-close]`)))
	var views int
	_ = env.DB.SQL().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'view_document' AND actor = ?`, rina).Scan(&views)
	if views != 1 {
		t.Errorf("%d document views audited, want the viewer's only (thumbnails are not the document)", views)
	}

	b.load(chromedp.Click(chromedp.CSS("#act-take")))
	if st := b.text(".stage"); st != "Diperiksa" {
		t.Fatalf("after taking, the stage reads %q", st)
	}
	b.eval(`document.querySelector("#form-fix").closest("details").open = true; "ok"`)
	b.do(chromedp.Click(chromedp.CSS(`#form-fix input[value="kk"]`)), chromedp.SetValue(chromedp.CSS("#fix-text"), "Foto KK buram, mohon difoto ulang"))
	b.load(chromedp.Click(chromedp.CSS(`#form-fix button[type=submit]`)))
	if st := b.text(".stage"); st != "Menunggu perbaikan pemohon" {
		t.Fatalf("after asking for a fix, the stage reads %q", st)
	}
	b.screenshot("ops-case-1366", 1366)

	b.eval(`window.stayed = "yes"; "ok"`)
	env.post(t, map[string]any{"account": "kkktp", "from": apiResident, "text": "kk", "media": map[string]string{
		"mime": "image/jpeg", "filename": "kk-baru.jpg", "data": b64(documentJPEG(t, "kk-baru"))}})
	b.wait("the resident's new photo on the page", `!!document.querySelector(".doc.older") && document.querySelectorAll(".doc").length === 3`)
	if b.eval(`window.stayed || "reloaded"`) != "yes" {
		t.Error("the case page reloaded instead of updating itself")
	}
	// Back to the step that asked, with its assignee, marked as a returned fix.
	b.wait("the case back with its assignee", `document.querySelector(".stage").innerText === "Diperiksa" && !!document.querySelector("#case-status .fixback")`)
	if st := b.text("#case-status"); !strings.Contains(st, rina) {
		t.Errorf("after the fix the status reads %q, want the assignee %s kept", st, rina)
	}

	for _, sel := range []string{"#act-move-in_production", "#act-move-ready_for_pickup", "#act-move-done"} {
		b.load(chromedp.Click(chromedp.CSS(sel)))
		if e := b.text(".error"); e != "" {
			t.Fatalf("%s: %s", sel, e)
		}
	}
	if st := b.text(".stage"); st != "Selesai" {
		t.Fatalf("the stage reads %q, want Selesai", st)
	}
	waitOutbox(t, env)
	var out []string
	for _, m := range transcript(t, env.URL, "kkktp", apiResident) {
		if m.Direction == "out" {
			out = append(out, m.Text)
		}
	}
	for _, want := range []string{"sedang diperiksa", "perlu perbaikan", "sudah kami terima", "sedang diproses", "siap diambil", "sudah *selesai*"} {
		if !strings.Contains(strings.Join(out, "\n"), want) {
			t.Errorf("the resident's chat lacks %q", want)
		}
	}

	b.load(chromedp.Navigate(env.URL + "/ops/reports?from=2026-11-01&to=2026-11-30"))
	b.screenshot("ops-reports-1366", 1366)
	b.load(chromedp.Navigate(env.URL + "/ops/numbers"))
	b.screenshot("ops-numbers-1366", 1366)

	// A POST without the CSRF token, from the page itself.
	status := b.eval(`fetch("/ops/cases/` + number + `/actions", {method: "POST", body: new URLSearchParams({action: "note", text: "tanpa token"})}).then(r => String(r.status))`)
	if status != "403" {
		t.Errorf("POST without the CSRF token = %s, want 403", status)
	}
	// A page the front office's role does not open.
	if st := b.load(chromedp.Navigate(env.URL + "/ops/audit")); st != 403 || !strings.Contains(b.text(".error"), "supervisor") {
		t.Errorf("front office opening the audit: %d %q", st, b.text(".error"))
	}
	csrf := b.eval(`document.querySelector('input[name=csrf]').value`)
	b.load(chromedp.Click(chromedp.CSS(`.me button`)))
	if !strings.Contains(b.text(".flash"), "Anda sudah keluar") {
		t.Errorf("after logout: %q", b.text("main"))
	}
	b.load(chromedp.Navigate(env.URL + "/ops/cases/" + number))
	if loc := b.eval(`location.pathname`); loc != "/ops/login" {
		t.Errorf("after logout the case page went to %s, want the login", loc)
	}
	status = b.eval(`fetch("/ops/cases/` + number + `/actions", {method: "POST", body: new URLSearchParams({action: "note", text: "x", csrf: "` + csrf + `"})}).then(r => String(r.status))`)
	if status != "401" {
		t.Errorf("POST with the old session = %s, want 401", status)
	}
}

// TestBrowserOpsPhone looks at the workspace 400 px wide: the queue as cards, the case page in
// one column, nothing wider than the screen.
func TestBrowserOpsPhone(t *testing.T) {
	env := MustCasesAPI(t, "")
	number, _ := env.MustApply(t, apiResident, "3516131204850003")
	env.MustApply(t, "081234567891", "3516131204850011")
	b := newBrowser(t, 400, 860)
	if status := b.login(env.URL, kadis, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	if d := b.eval(`getComputedStyle(document.querySelector(".queue thead")).display`); d != "none" {
		t.Errorf("at 400 px the queue keeps its table header (display %s)", d)
	}
	b.screenshot("ops-queue-400", 400)
	b.load(chromedp.Navigate(env.URL + "/ops/cases/" + number))
	b.screenshot("ops-case-400", 400)
	b.load(chromedp.Navigate(env.URL + "/ops/reports"))
	b.screenshot("ops-reports-400", 400)
	b.load(chromedp.Navigate(env.URL + "/ops/numbers"))
	b.screenshot("ops-numbers-400", 400)
}
