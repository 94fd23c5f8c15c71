package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

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

// chartTextProblems lists the reports' chart text that is smaller than 11 px as drawn (an SVG
// scaled down shrinks its text), cut off by the box that clips it (its SVG, or a scroll area:
// what scrolls into view is not cut) or drawn over another chart text.
const chartTextProblems = `(() => {
	const texts = Array.from(document.querySelectorAll(".chart text, .chart .lbl, .chart .val"));
	if (texts.length < 4) return "only " + texts.length + " chart texts";
	const out = [];
	const rects = texts.map(el => el.getBoundingClientRect());
	texts.forEach((el, i) => {
		const scale = el.getScreenCTM ? el.getScreenCTM().a : 1;
		const px = parseFloat(getComputedStyle(el).fontSize) * scale;
		const r = rects[i], what = JSON.stringify(el.textContent);
		if (px < 11) out.push(what + ": " + px.toFixed(1) + " px");
		let box = el.parentElement;
		while (box && box.tagName !== "svg" && getComputedStyle(box).overflowX === "visible") box = box.parentElement;
		const outer = el.ownerSVGElement && el.ownerSVGElement.ownerSVGElement || el.ownerSVGElement;
		box = outer || box || document.documentElement;
		const b = box.getBoundingClientRect();
		const left = b.left - (box.scrollLeft || 0), right = left + Math.max(b.width, box.scrollWidth || 0);
		if (r.left < left - 1 || r.right > right + 1 || r.width === 0) out.push(what + " cut: " + r.left.toFixed(0) + "-" + r.right.toFixed(0) + " in " + left.toFixed(0) + "-" + right.toFixed(0));
		for (let j = 0; j < i; j++) {
			const o = rects[j];
			if (r.left < o.right - 1 && o.left < r.right - 1 && r.top < o.bottom - 1 && o.top < r.bottom - 1)
				out.push(what + " over " + JSON.stringify(texts[j].textContent));
		}
	});
	return out.join("\n");
})()`

// TestBrowserOpsLayout visits every workspace page at 1366 and 400 px: nothing wider than the
// window, every control named; the reports' charts keep their text readable and whole.
func TestBrowserOpsLayout(t *testing.T) {
	env := MustCasesAPI(t, "")
	number, _ := env.MustApply(t, apiResident, "3516131204850003")
	// A case walked to done over days, past its deadline, gives the reports page its charts:
	// time per stage and a late week.
	late, _ := env.MustApply(t, "081234567891", "3516131204850011")
	for _, to := range []string{"verifying", "in_production", "ready_for_pickup", "done"} {
		env.Clock.Advance(26 * time.Hour)
		c := newOpsClient(t, env.URL)
		c.mustLogin(t, kadis)
		if status, body := c.act(t, late, url.Values{"action": {"move"}, "to": {to}}); status != http.StatusSeeOther {
			t.Fatalf("move to %s = %d:\n%.400s", to, status, body)
		}
	}
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
			if name != "reports" {
				continue
			}
			if bad := b.eval(chartTextProblems); bad != "" {
				t.Errorf("reports at %d px: chart text:\n%s", width, bad)
			}
			// P90 and median are said in words, on the page and on the table's headers.
			legend := b.text("#legend-times")
			abbrs := b.eval(`Array.from(document.querySelectorAll("th abbr[title]")).map(a => a.textContent).join(",")`)
			if !strings.Contains(legend, "P90") || !strings.Contains(legend, "Median") || !strings.Contains(abbrs, "Median,P90") {
				t.Errorf("reports at %d px: P90 and median unexplained: legend %q, abbreviations %q", width, legend, abbrs)
			}
		}
	}
}
