package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// say posts a message as from (a resident, or the office phone with fromMe) and returns what
// the bot queued in answer.
func say(t *testing.T, base, account, from, text string, fromMe bool) []simReply {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"account": account, "from": from, "text": text, "from_me": fromMe})
	res, err := http.Post(base+"/api/sim/messages", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Replies []simReply }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("POST %q: %d %v", text, res.StatusCode, err)
	}
	return out.Replies
}

var chatLink = regexp.MustCompile(`/ops/chats/(\d+)`)

// TestBrowserOpsChats: a resident who types "petugas" appears in /ops/chats without a reload,
// with the first-response clock; the group's line links to the chat's page; the page shows the
// transcript with WhatsApp formatting rendered (and markup escaped); the reply typed there
// reaches the resident, after which the bot stays silent in that chat; "hand back to the bot"
// ends it. Screenshots at 1366 and 400 px.
func TestBrowserOpsChats(t *testing.T) {
	env := MustCasesAPI(t, "")
	const resident = "6281298765432"
	b := newBrowser(t, 1366, 768)
	if status := b.login(env.URL, rina, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	b.load(chromedp.Navigate(env.URL + "/ops/chats"))
	b.wait("the live stream", `document.getElementById("live-status").hidden`)
	if !strings.Contains(b.text("#live"), "Tidak ada chat") {
		t.Fatalf("chats before any request: %q", b.text("#live"))
	}
	b.eval(`window.stayed = "yes"; "ok"`)

	say(t, env.URL, "kkktp", resident, "halo, saya perlu *bantuan* soal <b>akta</b> _anak_", false)
	var group string
	for _, r := range say(t, env.URL, "kkktp", resident, "petugas", false) {
		if strings.HasSuffix(r.To, "@g.us") {
			group = r.Text
		}
	}
	m := chatLink.FindStringSubmatch(group)
	if m == nil || !strings.Contains(group, "6281******432") || strings.Contains(group, resident) {
		t.Fatalf("the group's line %q: want the masked phone and a link to the chat's page", group)
	}
	row := `tr[data-chat="` + m[1] + `"]`
	b.wait("the petugas request in the list", `!!document.querySelector('`+row+`')`)
	if b.eval(`window.stayed || "reloaded"`) != "yes" {
		t.Error("the chats page reloaded instead of updating itself")
	}
	if cls := b.eval(`document.querySelector('` + row + ` .clock').className`); cls != "clock ok" {
		t.Errorf("the first-response clock is %q, want clock ok", cls)
	}
	if txt := b.text(row); !strings.Contains(txt, "Minta petugas") || !strings.Contains(txt, "sisa 1j") {
		t.Errorf("the row reads %q", txt)
	}
	b.screenshot("ops-chats-1366", 1366)

	b.load(chromedp.Click(chromedp.CSS(row + ` a`)))
	if p := b.eval(`location.pathname`); p != m[0] {
		t.Fatalf("the row opened %s, want %s (the group's link)", p, m[0])
	}
	if got := b.eval(`document.querySelector(".transcript .msg.in .text").innerHTML`); !strings.Contains(got, "<strong>bantuan</strong>") ||
		!strings.Contains(got, "&lt;b&gt;akta&lt;/b&gt;") || !strings.Contains(got, "<em>anak</em>") {
		t.Errorf("the resident's message renders as %q: want bold and italic, markup escaped", got)
	}
	if n := b.eval(`String(document.querySelectorAll(".transcript b").length)`); n != "0" {
		t.Errorf("%s <b> elements injected by the resident's text", n)
	}
	b.screenshot("ops-chat-1366", 1366)

	// A canned reply (ops.replies) fills the box with its placeholders filled; it can be edited.
	canned := b.eval(`(() => { const s = document.querySelector("#reply-template"); s.selectedIndex = 1;
		s.dispatchEvent(new Event("change")); return document.querySelector("#chat-reply-text").value })()`)
	if !strings.Contains(canned, "Kabupaten Mojokerto") || strings.Contains(canned, "{") {
		t.Errorf("the canned reply reads %q: want the office named, no placeholder", canned)
	}
	b.do(chromedp.SetValue(chromedp.CSS("#chat-reply-text"), "Selamat siang, kami bantu. Akta anak untuk siapa?"))
	b.load(chromedp.Click(chromedp.CSS(`#form-chat-reply button[type=submit]`)))
	if e := b.text(".error"); e != "" {
		t.Fatalf("reply: %s", e)
	}
	if !strings.Contains(b.text("#chat-status"), rina) {
		t.Errorf("after replying, the status reads %q; want the chat held by %s", b.text("#chat-status"), rina)
	}
	if !strings.Contains(b.text("#chat-status"), "dibalas") {
		t.Errorf("the first response is not recorded: %q", b.text("#chat-status"))
	}
	waitOutbox(t, env)
	got := transcript(t, env.URL, "kkktp", resident)
	if last := got[len(got)-1]; last.Direction != "out" || last.Text != "Selamat siang, kami bantu. Akta anak untuk siapa?" {
		t.Fatalf("the resident's chat ends with %+v", last)
	}
	if replies := say(t, env.URL, "kkktp", resident, "untuk anak saya yang kedua", false); len(replies) != 0 {
		t.Errorf("the bot answered while a person has the chat: %+v", replies)
	}
	b.wait("the resident's answer on the page", `document.querySelector(".transcript").innerText.includes("anak saya yang kedua")`)

	b.load(chromedp.Click(chromedp.CSS("#chat-handback")))
	if !strings.Contains(b.text(".flash"), "dikembalikan ke bot") {
		t.Fatalf("hand back: %q %q", b.text(".flash"), b.text(".error"))
	}
	waitOutbox(t, env)
	got = transcript(t, env.URL, "kkktp", resident)
	if last := got[len(got)-1]; !strings.Contains(last.Text, "kembali dilayani asisten otomatis") {
		t.Errorf("after the hand-back the resident read %q", last.Text)
	}
	b.load(chromedp.Navigate(env.URL + "/ops/chats"))
	if b.eval(`String(!!document.querySelector('`+row+`'))`) != "false" {
		t.Error("the chat handed back is still listed")
	}

	// 400 px: the list as cards, the chat page in one column.
	say(t, env.URL, "kkktp", "6281298765400", "petugas", false)
	p := newBrowser(t, 400, 860)
	if status := p.login(env.URL, rina, "sim"); status != 200 {
		t.Fatalf("login: %d", status)
	}
	p.load(chromedp.Navigate(env.URL + "/ops/chats"))
	p.screenshot("ops-chats-400", 400)
	p.load(chromedp.Click(chromedp.CSS(`.chats tbody tr a`)))
	p.screenshot("ops-chat-400", 400)
}
