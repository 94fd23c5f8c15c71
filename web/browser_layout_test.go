package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// unnamedControls lists the page's controls (links, buttons, fields) that have no accessible
// name: nothing a screen reader, or a person asking "which button?", could call them.
const unnamedControls = `(() => {
	const labelText = el => Array.from(el.labels || []).map(l => {
		const c = l.cloneNode(true);
		c.querySelectorAll("select, input, textarea").forEach(x => x.remove());
		return c.textContent.trim();
	}).join("");
	const named = el => el.getAttribute("aria-label") || labelText(el) || el.title ||
		(el.getAttribute("aria-labelledby") && document.getElementById(el.getAttribute("aria-labelledby"))) ||
		((el.tagName === "A" || el.tagName === "BUTTON") && (el.textContent.trim() || (el.querySelector("img[alt]") || {}).alt));
	return Array.from(document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea'))
		.filter(el => !named(el)).map(el => el.outerHTML.slice(0, 120)).join("\n");
})()`

// TestBrowserOpsLayout visits every workspace page at 1366 and 400 px: nothing wider than the
// window, every control named.
func TestBrowserOpsLayout(t *testing.T) {
	env := MustCasesAPI(t, "")
	number, _ := env.MustApply(t, apiResident, "3516131204850003")
	m := chatLink.FindStringSubmatch(groupTexts(say(t, env.URL, "kkktp", "6281298765499", "petugas", false), "120363000000000101@g.us"))
	if m == nil {
		t.Fatal("no chat link")
	}
	pages := map[string]string{"queue": "/ops/", "tasks": "/ops/?who=tasks", "chats": "/ops/chats", "chat": m[0],
		"case": "/ops/cases/" + number, "numbers": "/ops/numbers", "reports": "/ops/reports", "audit": "/ops/audit"}
	for _, width := range []int{1366, 400} {
		b := newBrowser(t, width, 860)
		if status := b.login(env.URL, kadis, "sim"); status != 200 {
			t.Fatalf("login: %d", status)
		}
		for name, path := range pages {
			if st := b.load(chromedp.Navigate(env.URL + path)); st != 200 {
				t.Errorf("%s at %d px: status %d", name, width, st)
				continue
			}
			b.screenshot("layout-"+name+"-"+itoa(width), width)
			if bad := b.eval(unnamedControls); strings.TrimSpace(bad) != "" {
				t.Errorf("%s at %d px: controls without a name:\n%s", name, width, bad)
			}
		}
	}
}
