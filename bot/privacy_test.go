package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// TestPrivacyWord: "privasi" shows the resident what the office holds, masked, and a deletion
// request becomes a case due 3 × 24 calendar hours later (over a weekend too), carded to the
// operators and answered in the chat.
func TestPrivacyWord(t *testing.T) {
	cfg := MustConfig(t)
	clock := NewClock()
	friday := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC) // 14:00 in Jakarta
	clock.Advance(friday.Sub(clock.Now()))
	db := MustOpenTemp(t, clock)
	r := newRouter(db, cfg)
	const chat = "6281234567890"
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		rid, err := tx.Resident(chat, "")
		if err != nil {
			return err
		}
		_, err = tx.CreateCase(store.NewCase{Account: account, Chat: chat, ResidentID: rid, Prefix: "KTP", Service: "kk_ktp",
			NIK: "3516131204850003", Name: "Budi Santoso", Details: map[string]string{"address": "Jl. Mawar 3"}, Day: "261127"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	say := func(id, s string) []ketanmu.Outbound { return MustHandle(t, r, text(chat, id, s)).Replies }
	say("P0", "halo")
	summary := joinTexts(say("P1", "privasi"), chat)
	for _, want := range []string{"351613********03", "B*** S******", "alamat pengiriman tersimpan", "KTP-261127-0001"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	for _, leak := range []string{"3516131204850003", "Budi Santoso", "Mawar"} {
		if strings.Contains(summary, leak) {
			t.Errorf("summary shows %q unmasked:\n%s", leak, summary)
		}
	}
	say("P2", "2")
	replies := say("P3", "Tolong hapus data permohonan KTP saya, NIK 3516131204850003.")
	answer := joinTexts(replies, chat)
	var number, stageDue, service, subtype string
	err = db.SQL().QueryRow(`SELECT number, stage_due_at, service, subtype FROM cases ORDER BY id DESC LIMIT 1`).
		Scan(&number, &stageDue, &service, &subtype)
	if err != nil {
		t.Fatal(err)
	}
	if service != "privasi" || subtype != "penghapusan" || !strings.HasPrefix(number, "PDP-") {
		t.Fatalf("request case = %s %s/%s, want a PDP privasi/penghapusan case", number, service, subtype)
	}
	if want := friday.Add(72 * time.Hour).Format("2006-01-02T15:04:05.000Z"); stageDue != want {
		t.Errorf("deadline = %s, want %s (72 calendar hours)", stageDue, want)
	}
	if !strings.Contains(answer, number) || !strings.Contains(answer, "Senin, 30 November 2026 pukul 14.00") {
		t.Errorf("answer in the chat lacks the number or the deadline:\n%s", answer)
	}
	card := joinTexts(replies, group)
	if !strings.Contains(card, number) || strings.Contains(card, "3516131204850003") {
		t.Errorf("card to the operators = %q, want the number and no full NIK", card)
	}
}

// joinTexts joins the texts of the messages to chat.
func joinTexts(msgs []ketanmu.Outbound, chat string) string {
	var out []string
	for _, m := range msgs {
		if m.Chat == chat {
			out = append(out, m.Text)
		}
	}
	return strings.Join(out, "\n")
}

// TestFirstContactNotice: the notice a resident reads first is two lines that name who is
// responsible, how long data is kept and the one word that shows the rest; "privasi" then says
// who is responsible (with a contact), on what basis, who receives the data, how long it is
// kept and how to use their rights, and does not claim that everything is encrypted (only
// photos are).
func TestFirstContactNotice(t *testing.T) {
	cfg := MustConfig(t)
	r := newRouter(MustOpenTemp(t, NewClock()), cfg)
	first := MustHandle(t, r, text("6281234567890", "N1", "halo")).Replies[0].Text
	short := first[strings.Index(first, "_Privasi:_"):]
	for _, want := range []string{cfg.Office.ShortName, cfg.Retention.Text, "*privasi*", "UU 27/2022"} {
		if !strings.Contains(short, want) {
			t.Errorf("first notice lacks %q:\n%s", want, short)
		}
	}
	if n := strings.Count(short, "\n") + 1; n > 2 {
		t.Errorf("first notice has %d lines, want 2:\n%s", n, short)
	}
	notice := joinTexts(MustHandle(t, r, text("6281234567890", "N2", "privasi")).Replies, "6281234567890")
	for _, want := range []string{cfg.Office.ShortName, "Jl. R.A. Basuni", "UU Administrasi Kependudukan", "petugas",
		"PT Pos", "WhatsApp", cfg.Retention.Text, "UU 27/2022", "Foto disimpan terenkripsi"} {
		if !strings.Contains(notice, want) {
			t.Errorf("full notice lacks %q:\n%s", want, notice)
		}
	}
	if strings.Contains(notice, "Data disimpan terenkripsi") {
		t.Errorf("notice claims all data is encrypted:\n%s", notice)
	}
}

// A privacy request is due after its profile's due_within, in calendar hours: an office that
// sets 48h gets 48 hours, over a weekend too.
func TestPrivacyDeadlineFromProfile(t *testing.T) {
	cfg := MustConfig(t)
	svc := cfg.Services["privasi"]
	p := cfg.Profiles[svc.Profile]
	p.DueWithin = 48 * time.Hour
	cfg.Profiles[svc.Profile] = p
	clock := NewClock()
	friday := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC) // 14:00 in Jakarta
	clock.Advance(friday.Sub(clock.Now()))
	db := MustOpenTemp(t, clock)
	r := newRouter(db, cfg)
	const chat = "6281234567890"
	for i, s := range []string{"halo", "privasi", "2", "Tolong hapus nomor HP saya dari data kantor."} {
		MustHandle(t, r, text(chat, "D"+string(rune('0'+i)), s))
	}
	var stageDue string
	if err := db.SQL().QueryRow(`SELECT stage_due_at FROM cases WHERE service = 'privasi'`).Scan(&stageDue); err != nil {
		t.Fatal(err)
	}
	if want := friday.Add(48 * time.Hour).Format("2006-01-02T15:04:05.000Z"); stageDue != want {
		t.Errorf("deadline = %s, want %s (48 calendar hours)", stageDue, want)
	}
}

// "Erased" is what retention recorded (erased_at), whatever is left of the NIK: a case whose
// NIK was not 16 digits keeps none after retention and is still told as erased.
func TestPrivacySummaryErasedCase(t *testing.T) {
	cfg := MustConfig(t)
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	r := newRouter(db, cfg)
	const chat = "6281234567890"
	var number string
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		rid, err := tx.Resident(chat, "")
		if err != nil {
			return err
		}
		if number, err = tx.CreateCase(store.NewCase{Account: account, Chat: chat, ResidentID: rid, Prefix: "KTP",
			Service: "kk_ktp", NIK: "35161312", Name: "Budi Santoso", Day: "261125"}); err != nil {
			return err
		}
		c, err := tx.CaseByNumber(number)
		if err != nil {
			return err
		}
		return tx.SetStage(c.ID, store.StageChange{From: "submitted", To: "done", Actor: "t"})
	})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	if _, err := db.Purge(context.Background(), store.Retention{Closed: clock.Now(), Abandoned: clock.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	MustHandle(t, r, text(chat, "E0", "halo"))
	summary := joinTexts(MustHandle(t, r, text(chat, "E1", "privasi")).Replies, chat)
	if want := "*" + number + "* " + cfg.Services["kk_ktp"].Name + ": data pribadi sudah dihapus"; !strings.Contains(summary, want) {
		t.Errorf("summary lacks %q:\n%s", want, summary)
	}
}
