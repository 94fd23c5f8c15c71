package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// notificationStub stands in for the browser's Notification (headless Chromium shows none): the
// permission is kept in localStorage, as a browser keeps it per site, and every notification is
// recorded in localStorage["stub.shown"].
const notificationStub = `(() => {
	window.Notification = class {
		constructor(title, opts) {
			const shown = JSON.parse(localStorage.getItem("stub.shown") || "[]");
			shown.push(title + " | " + ((opts && opts.body) || ""));
			localStorage.setItem("stub.shown", JSON.stringify(shown));
		}
		static get permission() { return localStorage.getItem("stub.permission") || "default"; }
		static requestPermission() {
			localStorage.setItem("stub.asked", String(Number(localStorage.getItem("stub.asked") || 0) + 1));
			localStorage.setItem("stub.permission", "granted");
			return Promise.resolve("granted");
		}
	};
})()`

// TestBrowserNotifications: the header's Notifikasi button is there and named, off by default;
// the page never asks for permission on load; in real Chromium, asking (refused when headless)
// leaves the page working and says so; once allowed, a new chat that needs a person is announced
// on the queue page without a reload, and the choice (and the sound) outlive a reload.
func TestBrowserNotifications(t *testing.T) {
	env := MustCasesAPI(t, "")

	// The real browser: asking does not break the page.
	b := newBrowser(t, 1366, 768)
	if status := b.login(env.URL, kadis, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	b.wait("the notification button", `!document.querySelector("#notify-toggle").hidden`)
	if name, pressed := b.text("#notify-toggle"), b.eval(`document.querySelector("#notify-toggle").getAttribute("aria-pressed")`); name != "Notifikasi" || pressed != "false" {
		t.Errorf("button %q pressed %s, want Notifikasi, off", name, pressed)
	}
	b.do(chromedp.Click(chromedp.CSS("#notify-toggle")))
	b.wait("an answer to the request", `document.querySelector("#notify-toggle").getAttribute("aria-pressed") === "true" || !document.querySelector("#live-status").hidden`)
	if b.eval(`String(!!document.querySelector("#live tr, #live p, #live"))`) != "true" {
		t.Errorf("the queue is gone after asking:\n%s", b.text("main"))
	}

	// A browser that allows notifications, on a narrow screen.
	n := newBrowser(t, 400, 860)
	if _, err := chromedp.Call(n.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: notificationStub}); err != nil {
		t.Fatal(err)
	}
	if status := n.login(env.URL, kadis, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	n.wait("the notification button", `!document.querySelector("#notify-toggle").hidden`)
	if asked := n.eval(`String(localStorage.getItem("stub.asked"))`); asked != "null" {
		t.Errorf("permission asked %s times on load, want never", asked)
	}
	if !strings.Contains(n.eval(`String(document.querySelector("#notify-sound").hidden)`), "true") {
		t.Error("the sound button shows while notifications are off")
	}
	n.do(chromedp.Click(chromedp.CSS("#notify-toggle")))
	n.wait("notifications on", `document.querySelector("#notify-toggle").getAttribute("aria-pressed") === "true" && !document.querySelector("#notify-sound").hidden`)
	n.do(chromedp.Click(chromedp.CSS("#notify-sound")))
	n.screenshot("notify-on-400", 400) // both buttons in the header, nothing sticking out
	n.wait("the first look", `localStorage.getItem("ketanmu.notify.seen") !== null`)

	say(t, env.URL, "kkktp", "6281298765401", "petugas", false)
	n.wait("the chat announced", `(localStorage.getItem("stub.shown") || "").includes("Chat menunggu petugas")`)
	if shown := n.eval(`localStorage.getItem("stub.shown")`); strings.Count(shown, "Chat menunggu") != 1 || strings.Contains(shown, "6281298765401") {
		t.Errorf("shown %s, want the chat once, its number masked", shown)
	}

	n.load(chromedp.Reload())
	n.wait("the button after a reload", `!document.querySelector("#notify-toggle").hidden`)
	if got := n.eval(`document.querySelector("#notify-toggle").getAttribute("aria-pressed") + " " + document.querySelector("#notify-sound").getAttribute("aria-pressed")`); got != "true true" {
		t.Errorf("after a reload: notifications and sound pressed %q, want both remembered", got)
	}
}
