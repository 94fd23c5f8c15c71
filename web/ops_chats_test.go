package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func advanceClock(t *testing.T, base, by string) {
	t.Helper()
	res, err := http.Post(base+"/api/sim/clock", "application/json", strings.NewReader(`{"advance":"`+by+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("advance clock: %s", res.Status)
	}
}

func groupTexts(replies []simReply, group string) string {
	var out []string
	for _, r := range replies {
		if r.To == group {
			out = append(out, r.Text)
		}
	}
	return strings.Join(out, "\n")
}

// TestOpsChatsSLA: a request for a person counts its first response in working time: a
// warning to the operators' group at warn_at of handoff.first_response, a breach notice at it,
// each once, and the page shows the clock amber, then red. A reply ends the clock.
func TestOpsChatsSLA(t *testing.T) {
	env := MustCasesAPI(t, "")
	const resident, group = "6281298765411", "120363000000000101@g.us"
	m := chatLink.FindStringSubmatch(groupTexts(say(t, env.URL, "kkktp", resident, "petugas", false), group))
	if m == nil {
		t.Fatal("no link to the chat in the group")
	}
	var c *opsClient
	clockOf := func() string {
		t.Helper()
		// The session ends after 30 idle minutes of the simulated clock: sign in afresh.
		c = newOpsClient(t, env.URL)
		c.login(t, rina, "sim")
		status, body, _ := c.get(t, "/ops/chats")
		if status != http.StatusOK {
			t.Fatalf("GET /ops/chats = %d", status)
		}
		return between(between(body, `data-chat="`+m[1]+`"`, "</tr>"), `<span class="clock `, `"`)
	}
	if got := clockOf(); got != "ok" {
		t.Errorf("at once the clock is %q, want ok", got)
	}
	groupSince := func() string {
		t.Helper()
		waitOutbox(t, env)
		var out []string
		for _, e := range transcript(t, env.URL, "kkktp", group) {
			out = append(out, e.Text)
		}
		return strings.Join(out, "\n")
	}
	before := groupSince()
	advanceClock(t, env.URL, "50m") // warn_at 0.8 of 1h
	warned := strings.TrimPrefix(groupSince(), before)
	if !strings.Contains(warned, "Pemohon menunggu balasan petugas") || !strings.Contains(warned, m[0]) ||
		strings.Contains(warned, resident) {
		t.Errorf("after 50 minutes the group read %q; want the warning with the link, the phone masked", warned)
	}
	if got := clockOf(); got != "soon" {
		t.Errorf("after 50 minutes the clock is %q, want soon", got)
	}
	advanceClock(t, env.URL, "5m")
	if again := strings.TrimPrefix(groupSince(), before+warned); strings.Contains(again, "menunggu balasan") {
		t.Errorf("the warning was repeated: %q", again)
	}
	advanceClock(t, env.URL, "10m")
	breach := strings.TrimPrefix(groupSince(), before+warned)
	if !strings.Contains(breach, "Balasan pertama lewat batas waktu") {
		t.Errorf("after 65 minutes the group read %q; want the breach notice", breach)
	}
	if got := clockOf(); got != "late" {
		t.Errorf("after 65 minutes the clock is %q, want late", got)
	}

	// The office phone answering in the chat is the first response.
	say(t, env.URL, "kkktp", resident, "Baik Bu, kami bantu.", true)
	if _, body, _ := c.get(t, "/ops/chats"); !strings.Contains(between(body, `data-chat="`+m[1]+`"`, "</tr>"), "dibalas HP kantor") {
		t.Errorf("after the office phone answered, the row reads %q", between(body, `data-chat="`+m[1]+`"`, "</tr>"))
	}
	// Handled: the chat leaves the list, the bot has it again, the resident is told nothing.
	waitOutbox(t, env)
	n := len(transcript(t, env.URL, "kkktp", resident))
	if status, body, _ := c.post(t, m[0]+"/actions", url.Values{"action": {"handled"}}); status != http.StatusSeeOther {
		t.Fatalf("handled = %d %s", status, between(body, `class="error"`, "</p>"))
	}
	if _, body, _ := c.get(t, "/ops/chats"); strings.Contains(body, `data-chat="`+m[1]+`"`) {
		t.Error("the chat marked handled is still listed")
	}
	waitOutbox(t, env)
	if got := transcript(t, env.URL, "kkktp", resident); len(got) != n {
		t.Errorf("marking handled wrote to the resident: %+v", got[n:])
	}
	if replies := say(t, env.URL, "kkktp", resident, "menu", false); len(replies) == 0 {
		t.Error("after handled the bot does not answer the resident")
	}
	if status, _, _ := c.post(t, m[0]+"/actions", url.Values{"action": {"handled"}}); status != http.StatusConflict {
		t.Errorf("handled twice = %d, want 409", status)
	}
}

// TestOpsChatsRules: #balas in a chat without a case is the same reply as the chat page's; a
// complaint's chat is for the complaints officers only, in the list and by its address.
func TestOpsChatsRules(t *testing.T) {
	env := MustCasesAPI(t, "")
	const resident = "6281298765422"
	say(t, env.URL, "kkktp", resident, "petugas", false)
	replies := say(t, env.URL, "kkktp", resident, "#balas Selamat pagi, ada yang bisa dibantu?", true)
	var toResident, toOffice string
	for _, r := range replies {
		switch {
		case r.To == resident:
			toResident = r.Text
		case r.Text != "":
			toOffice = r.Text
		}
	}
	if toResident != "Selamat pagi, ada yang bisa dibantu?" || !strings.Contains(toOffice, "Balasan untuk") {
		t.Fatalf("#balas without a case: resident %q, office %q", toResident, toOffice)
	}
	c := newOpsClient(t, env.URL)
	c.login(t, rina, "sim")
	_, body, _ := c.get(t, "/ops/chats")
	if row := between(body, "<tbody>", "</tbody>"); !strings.Contains(row, "dibalas HP kantor") {
		t.Errorf("after #balas the chat reads %q", row)
	}

	// A complaint in progress: its officer sees the chat, the front office does not.
	const complainant = "6281298765433"
	say(t, env.URL, "pengaduan", complainant, "halo", false)
	m := chatLink.FindStringSubmatch(groupTexts(say(t, env.URL, "pengaduan", complainant, "petugas", false), "120363000000000105@g.us"))
	if m == nil {
		t.Fatal("no link in the complaints group")
	}
	if _, body, _ := c.get(t, "/ops/chats"); strings.Contains(body, `data-chat="`+m[1]+`"`) {
		t.Error("the front office sees a complaint's chat")
	}
	if status, _, _ := c.get(t, m[0]); status != http.StatusNotFound {
		t.Errorf("the front office opening a complaint's chat = %d, want 404", status)
	}
	s := newOpsClient(t, env.URL)
	s.login(t, sari, "sim")
	if _, body, _ := s.get(t, "/ops/chats"); !strings.Contains(body, `data-chat="`+m[1]+`"`) {
		t.Error("the complaints officer does not see the complaint's chat")
	}
}

// TestOpsCaseOtherCases: a case page lists the resident's other cases (same phone or same NIK)
// with their stages, but not a complaint the reader may not see.
func TestOpsCaseOtherCases(t *testing.T) {
	env := MustCasesAPI(t, "")
	const a, b = "6281298765455", "6281298765466"
	env.MustCases(t, 4, []string{"kk_ktp", "akta", "kk_ktp", "pengaduan"}, []string{"submitted", "done", "verifying", "submitted"},
		[]string{a, a, b, a})
	var numbers []string
	rows, err := env.DB.SQL().Query(`SELECT number FROM cases ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, n)
	}
	rows.Close()
	if _, err := env.DB.SQL().Exec(`UPDATE cases SET nik = (SELECT nik FROM cases WHERE number = ?) WHERE number = ?`, numbers[0], numbers[2]); err != nil {
		t.Fatal(err)
	}
	c := newOpsClient(t, env.URL)
	c.login(t, rina, "sim")
	_, page, _ := c.get(t, "/ops/cases/"+numbers[0])
	others := between(page, `id="h-others"`, "</section>")
	for _, want := range []string{numbers[1], "Selesai", numbers[2], "Diperiksa"} {
		if !strings.Contains(others, want) {
			t.Errorf("the other cases lack %q:\n%s", want, others)
		}
	}
	if strings.Contains(others, numbers[3]) {
		t.Errorf("the front office sees the resident's complaint %s among the other cases", numbers[3])
	}
}
