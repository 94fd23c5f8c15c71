package reminder_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"log/slog"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/reminder"
)

func (e *env) digest(at string) []ketanmu.Outbound {
	e.tb.Helper()
	msgs, err := e.sched.Digest(context.Background(), e.at(at))
	if err != nil {
		e.tb.Fatalf("Digest(%s): %v", at, err)
	}
	return msgs
}

func TestDigest(t *testing.T) {
	e := newEnv(t, "2026-11-24 09:00")
	oldest := e.nikCase("6281234567801") // Tuesday: long late
	e.clock.Set(e.at("2026-11-25 10:00"))
	verifying := e.nikCase("6281234567802")
	e.move(verifying, "verifying", "")
	fix := e.nikCase("6281234567803")
	e.move(fix, "verifying", "")
	e.move(fix, "needs_fix", "foto KTP terpotong")
	done := e.nikCase("6281234567804")
	e.move(done, "done", "")
	e.clock.Set(e.at("2026-11-26 06:00"))
	fresh := e.nikCase("6281234567805") // before opening: due Thursday 08:30

	msgs := e.digest("2026-11-26 07:30")
	if got, want := len(msgs), len(e.cfg.Accounts); got != want {
		t.Fatalf("%d digests, want one per account (%d): %v", got, want, chats(msgs))
	}
	nik := to(msgs, nikGroup)
	if len(nik) != 1 {
		t.Fatalf("digests went to %v, want the NIK group among them", chats(msgs))
	}
	text := nik[0].Text
	assertText(t, text, []string{
		"Ringkasan pagi", "Kamis, 26 November 2026",
		"Permohonan berjalan: *4*",
		"• Menunggu diperiksa: 2", "• Diperiksa: 1", "• Menunggu perbaikan pemohon: 1",
		"Lewat batas waktu: *2*", oldest, verifying,
		"Terlama menunggu: *" + oldest + "* (Menunggu diperiksa, masuk Selasa, 24 November 2026 pukul 09.00)",
	}, done, "• done")
	// Late: the two whose deadline passed; the one waiting on the resident is paused, and the
	// one filed this morning is not late yet.
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, fix) || strings.Contains(line, fresh) {
			t.Errorf("line %q: %s and %s are not late", line, fix, fresh)
		}
	}
	quiet := to(msgs, ktpGroup)
	if len(quiet) != 1 || !strings.Contains(quiet[0].Text, "Tidak ada permohonan") {
		t.Errorf("KK/KTP digest = %v, want the short all-clear", quiet)
	}

	if again := e.digest("2026-11-26 07:30"); len(again) != 0 {
		t.Errorf("the same digest again sent %v, want nothing", chats(again))
	}
	if got := e.count(`SELECT COUNT(*) FROM outbox WHERE chat = ?`, nikGroup); got != 1 {
		t.Errorf("%d messages to the NIK group, want 1", got)
	}
}

func TestDigestSkippedOnHoliday(t *testing.T) {
	e := newEnv(t, "2026-12-23 09:00")
	e.nikCase(resident)
	for _, at := range []string{"2026-12-24 07:30", "2026-12-25 07:30", "2026-12-26 07:30"} {
		if msgs := e.digest(at); len(msgs) != 0 {
			t.Errorf("digest on %s (closed) sent %v, want nothing", at, chats(msgs))
		}
	}
	if msgs := e.digest("2026-12-28 07:30"); len(msgs) != len(e.cfg.Accounts) {
		t.Errorf("Monday's digest sent %v, want one per account", chats(msgs))
	}
}

// RunDue is what the simulator's POST /api/sim/clock calls: every job due between the last
// call and now, evaluated against the simulated time.
func TestRunDue(t *testing.T) {
	e := newEnv(t, "2026-12-22 15:00") // Tuesday after closing
	e.clock.Set(e.at("2026-12-23 09:00"))
	e.nikCase(resident)
	ctx := context.Background()
	digests := func() []string {
		rows, err := e.db.SQL().Query(`SELECT DISTINCT due_at FROM digests ORDER BY due_at`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			at, _ := time.Parse("2006-01-02T15:04:05.000Z", s)
			out = append(out, at.In(e.cfg.Office.Location).Format("2006-01-02 15:04"))
		}
		return out
	}

	// Wednesday 07:30's digest came due; the scan runs once, at the new time.
	if err := e.sched.RunDue(ctx, e.at("2026-12-23 09:31")); err != nil {
		t.Fatal(err)
	}
	if got, want := digests(), []string{"2026-12-23 07:30"}; !slices.Equal(got, want) {
		t.Errorf("digests %v, want %v", got, want)
	}
	if got := e.count(`SELECT COUNT(*) FROM reminders WHERE kind = 'breach'`); got != 1 {
		t.Errorf("%d breach reminders after 09:31, want 1", got)
	}

	// Less than the scan's minute later: nothing is due.
	before := e.count(`SELECT COUNT(*) FROM outbox`)
	if err := e.sched.RunDue(ctx, e.at("2026-12-23 09:31").Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := e.count(`SELECT COUNT(*) FROM outbox`); got != before {
		t.Errorf("%d outbox rows after 30 s, want %d", got, before)
	}

	// Over Christmas to Tuesday: only the newest digest catches up, not one per missed morning.
	if err := e.sched.RunDue(ctx, e.at("2026-12-29 09:00")); err != nil {
		t.Fatal(err)
	}
	if got, want := digests(), []string{"2026-12-23 07:30", "2026-12-29 07:30"}; !slices.Equal(got, want) {
		t.Errorf("digests %v, want %v", got, want)
	}
	// Over a weekend and holidays: the newest working morning's, none for the closed days.
	if err := e.sched.RunDue(ctx, e.at("2027-01-02 12:00")); err != nil {
		t.Fatal(err)
	}
	if got, want := digests(), []string{"2026-12-23 07:30", "2026-12-29 07:30", "2026-12-31 07:30"}; !slices.Equal(got, want) {
		t.Errorf("digests %v, want %v", got, want)
	}
	if got, want := e.count(`SELECT COUNT(*) FROM outbox WHERE chat = ? AND text LIKE '%Ringkasan pagi%'`, nikGroup), 3; got != want {
		t.Errorf("%d digests in the NIK group, want %d", got, want)
	}
	if got := e.count(`SELECT COUNT(*) FROM reminders WHERE kind = 'breach'`); got != 2 {
		t.Errorf("%d breach reminders, want 2: the notice and the latest repeat after the jump", got)
	}
}

// TestDigestForComplaintsOfficers: a number that serves everything sends its complaints to the
// complaints group's digest, and its operators' group's digest does not list them.
func TestDigestForComplaintsOfficers(t *testing.T) {
	e := newEnv(t, "2026-11-25 09:00")
	complaint := e.newCase("pengaduan", nikAccount, "6281234567801")
	application := e.nikCase("6281234567802")
	msgs := e.digest("2026-11-26 07:30")
	acc, _ := e.cfg.Account(nikAccount)
	general, officers := to(msgs, nikGroup), to(msgs, acc.ComplaintsGroup)
	if len(general) != 1 || len(officers) != 1 {
		t.Fatalf("digests went to %v, want one for %s and one for %s", chats(msgs), nikGroup, acc.ComplaintsGroup)
	}
	assertText(t, general[0].Text, []string{"Permohonan berjalan: *1*"}, complaint)
	assertText(t, officers[0].Text, []string{"Permohonan berjalan: *1*"}, application)
}

// TestDigestHolidays checks that from 60 days before the published holidays end the digest and
// the log say so, with the estimated dates, and not before.
func TestDigestHolidays(t *testing.T) {
	e := newEnv(t, "2026-10-01 06:00")
	var logs strings.Builder
	sched, err := reminder.New(e.db, e.cfg, e.router, e.clock.Now, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	digest := func(at string) string {
		msgs, err := sched.Digest(context.Background(), e.at(at))
		if err != nil {
			t.Fatal(err)
		}
		nik := to(msgs, nikGroup)
		if len(nik) != 1 {
			t.Fatalf("digest %s went to %v, want the NIK group among them", at, chats(msgs))
		}
		return nik[0].Text
	}
	if text := digest("2026-10-01 07:30"); strings.Contains(text, "libur") || strings.Contains(logs.String(), "holidays") {
		t.Errorf("1 October: digest %q, log %q; want nothing about holidays yet", text, logs.String())
	}
	text := digest("2026-11-02 07:30")
	assertText(t, text, []string{"Daftar libur resmi hanya sampai Kamis, 31 Desember 2026", "*perkiraan*",
		"Isra Mikraj Nabi Muhammad SAW Selasa, 5 Januari 2027", "SKB libur 2027"})
	if n := strings.Count(logs.String(), "Published holidays run out"); n != 1 {
		t.Errorf("log has the warning %d times, want once:\n%s", n, logs.String())
	}
	digest("2026-11-03 07:30")
	if n := strings.Count(logs.String(), "Published holidays run out"); n != 2 {
		t.Errorf("after the next morning the log has the warning %d times, want once a day", n)
	}
}
