package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/store"
)

// surveyChat is one resident on the Validasi NIK number.
type surveyChat struct {
	t     *testing.T
	r     *bot.Router
	chat  string
	seq   *int
	clock *Clock
}

func (c surveyChat) send(s string) bot.Result {
	c.t.Helper()
	*c.seq++
	in := ketanmu.Inbound{Account: "nik", ID: fmt.Sprintf("S%04d", *c.seq), Chat: c.chat, Kind: ketanmu.KindText, Text: s}
	return MustHandle(c.t, c.r, in)
}

func (c surveyChat) photo(name string) {
	c.t.Helper()
	*c.seq++
	data := photoJPEG(c.chat + name)
	MustHandle(c.t, c.r, ketanmu.Inbound{Account: "nik", ID: fmt.Sprintf("S%04d", *c.seq), Chat: c.chat, Kind: ketanmu.KindImage,
		Text: name, Media: &ketanmu.Media{Mime: "image/jpeg", Filename: name + ".jpg", Data: data, Size: int64(len(data))}})
}

// applyAndClose files a Validasi NIK case and has the office phone close it as done; it
// returns what the resident received then.
func (c surveyChat) applyAndClose() []string {
	c.t.Helper()
	for _, s := range []string{"nik saya tidak bisa buat registrasi kartu sim", "2", "3516131204850003"} {
		c.send(s)
	}
	c.photo("kk")
	c.photo("ktp")
	c.send("ya")
	*c.seq++
	res := MustHandle(c.t, c.r, ketanmu.Inbound{Account: "nik", ID: fmt.Sprintf("S%04d", *c.seq), Chat: c.chat, FromMe: true,
		Kind: ketanmu.KindText, Text: "#selesai"})
	var got []string
	for _, m := range res.Replies {
		if m.Chat == c.chat && m.Revoke == "" {
			got = append(got, m.Text)
		}
	}
	return got
}

func invited(texts []string) bool {
	for _, s := range texts {
		if strings.Contains(s, "survei kepuasan") {
			return true
		}
	}
	return false
}

// TestSurveyKeepsAnswersAndInvitesOnce plays the survey through the router and its database:
// the answers are stored as they come, a survey left with menu keeps them, and a resident is not
// invited again within skm.min_interval, nor after the proactive window.
func TestSurveyKeepsAnswersAndInvitesOnce(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	r := newRouter(db, cfg)
	seq := 0
	a := surveyChat{t: t, r: r, chat: "6281234567801", seq: &seq, clock: clock}

	if got := a.applyAndClose(); len(got) < 2 || !strings.Contains(got[0], "diperbarui") || !invited(got[len(got)-1:]) {
		t.Fatalf("after done the resident got %q, want the done notice then the invitation", got)
	}
	a.send("ya")
	a.send("3")
	a.send("sangat mudah")
	if res := a.send("menu"); len(res.Replies) == 0 || !strings.Contains(res.Replies[0].Text, "Survei dihentikan") {
		t.Errorf("menu in the survey: %+v", res.Replies)
	}
	row := func(query string) int { return MustCount(t, db, query) }
	if n := row(`SELECT COUNT(*) FROM skm_responses WHERE u1 = 3 AND u2 = 4 AND u3 = 0 AND u9 = 0 AND suggestion = ''`); n != 1 {
		t.Errorf("stored answers: %d rows with U1 3, U2 4 and nothing after, want 1", n)
	}
	if res := a.send("4"); strings.Contains(res.Replies[0].Text, "Survei") {
		t.Errorf("after leaving, 4 was taken for the survey: %q", res.Replies[0].Text)
	}
	a.send("menu")

	// A second case done a week later: within 30 days, no invitation.
	clock.Advance(7 * 24 * time.Hour)
	if got := a.applyAndClose(); invited(got) {
		t.Errorf("invited again within skm.min_interval: %q", got)
	}
	// 31 days after the first: invited again.
	clock.Advance(24 * 24 * time.Hour)
	if got := a.applyAndClose(); !invited(got) {
		t.Errorf("not invited after skm.min_interval: %q", got)
	}
	if n := row(`SELECT COUNT(*) FROM skm_responses`); n != 2 {
		t.Errorf("%d survey rows, want 2", n)
	}

	// A resident whose last message is older than the proactive window is not invited: the
	// invitation is never a proactive message of its own.
	b := surveyChat{t: t, r: r, chat: "6281234567802", seq: &seq, clock: clock}
	for _, s := range []string{"nik saya tidak bisa buat registrasi kartu sim", "2", "3516131204850003"} {
		b.send(s)
	}
	b.photo("kk")
	b.photo("ktp")
	b.send("ya")
	clock.Advance(cfg.Outbound.Proactive.Window + time.Hour)
	c, err := latestCase(db, b.chat)
	if err != nil {
		t.Fatal(err)
	}
	seq++
	res := MustHandle(t, r, ketanmu.Inbound{Account: "nik", ID: fmt.Sprintf("S%04d", seq), Chat: "120363000000000104@g.us",
		FromMe: true, Kind: ketanmu.KindText, Text: "#selesai " + c})
	for _, m := range res.Replies {
		if m.Chat == b.chat && strings.Contains(m.Text, "survei kepuasan") {
			t.Errorf("invited outside the window: %q", m.Text)
		}
	}
	if n := MustCount(t, db, `SELECT COUNT(*) FROM cases WHERE number = ? AND stage = 'done'`, c); n != 1 {
		t.Fatalf("%s was not closed from the operators' group", c)
	}
	if n := row(`SELECT COUNT(*) FROM skm_responses`); n != 2 {
		t.Errorf("%d survey rows after a case closed outside the window, want still 2", n)
	}
}

func latestCase(db *store.DB, chat string) (string, error) {
	var number string
	err := db.SQL().QueryRow(`SELECT number FROM cases WHERE chat = ? ORDER BY id DESC LIMIT 1`, chat).Scan(&number)
	return number, err
}

// TestSurveyOfComplaints: a complaint closed as done is surveyed only with
// skm.include_complaints.
func TestSurveyOfComplaints(t *testing.T) {
	for _, include := range []bool{false, true} {
		cfg := MustConfig(t)
		cfg.SKM.IncludeComplaints = include
		db := MustOpenTemp(t, NewClock())
		r := newRouter(db, cfg)
		chat := "6281234567890"
		number := fileComplaint(t, r, "pengaduan", chat)
		res := MustHandle(t, r, ketanmu.Inbound{Account: "pengaduan", ID: "CMD1", Chat: chat, FromMe: true,
			Kind: ketanmu.KindText, Text: "#selesai " + number})
		var texts []string
		for _, m := range res.Replies {
			if m.Chat == chat {
				texts = append(texts, m.Text)
			}
		}
		if n := MustCount(t, db, `SELECT COUNT(*) FROM cases WHERE number = ? AND stage = 'done'`, number); n != 1 {
			t.Fatalf("include_complaints %v: %s not done: %q", include, number, texts)
		}
		if got := invited(texts); got != include {
			t.Errorf("include_complaints %v: invited = %v (%q)", include, got, texts)
		}
	}
}
