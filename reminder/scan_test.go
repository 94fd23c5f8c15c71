package reminder_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/sla"
	"github.com/ketanmu/ketanmu/store"
)

// Fragments of the example config's texts.
const (
	warningText    = "Mendekati batas waktu"
	breachText     = "Lewat batas waktu"
	escalationText = "Eskalasi"
	residentText   = "belum selesai pada tanggal yang kami perkirakan"
)

const resident = "6281234567890"

// A Validasi NIK case filed on Wednesday 25 November 2026 at 09:00 has 30 working minutes in
// submitted: the warning is due at 80 % (09:24), the breach at 09:30, the repeats every working
// hour after it.
func TestWarning(t *testing.T) {
	t.Run("unassigned: the group", func(t *testing.T) {
		e := newEnv(t, "2026-11-25 09:00")
		number := e.nikCase(resident)
		if msgs := e.scan("2026-11-25 09:23"); len(msgs) != 0 {
			t.Fatalf("at 09:23 (77 %%) sent %v, want nothing", chats(msgs))
		}
		msgs := e.scan("2026-11-25 09:24")
		if got, want := chats(msgs), []string{nikAccount + "/" + nikGroup}; !slices.Equal(got, want) {
			t.Fatalf("at 09:24 sent to %v, want %v", got, want)
		}
		assertText(t, msgs[0].Text, []string{warningText, number, "sisa 6m", "Rabu, 25 November 2026 pukul 09.30", "Validasi NIK"},
			breachText)
		if msgs := e.scan("2026-11-25 09:25"); len(msgs) != 0 {
			t.Errorf("second scan sent %v, want nothing: the warning went out already", chats(msgs))
		}
	})
	t.Run("assignee with a phone: their own chat", func(t *testing.T) {
		e := newEnv(t, "2026-11-25 09:00")
		number := e.nikCase(resident)
		e.assign(number, rina)
		msgs := e.scan("2026-11-25 09:25")
		if got, want := chats(msgs), []string{nikAccount + "/" + rinaPhone}; !slices.Equal(got, want) {
			t.Fatalf("sent to %v, want %v (Rina's phone, through the case's number)", got, want)
		}
		// Operator commands work in the group only: no footer naming them here.
		assertText(t, msgs[0].Text, []string{warningText, number}, "#ambil")
	})
	t.Run("assignee not an operator: the group", func(t *testing.T) {
		e := newEnv(t, "2026-11-25 09:00")
		number := e.nikCase(resident)
		e.assign(number, "HP kantor")
		if got, want := chats(e.scan("2026-11-25 09:25")), []string{nikAccount + "/" + nikGroup}; !slices.Equal(got, want) {
			t.Fatalf("sent to %v, want %v", got, want)
		}
	})
}

func TestBreach(t *testing.T) {
	e := newEnv(t, "2026-11-25 09:00")
	number := e.nikCase(resident)
	e.assign(number, rina)
	msgs := e.scan("2026-11-25 09:31")
	if got, want := chats(msgs), []string{nikAccount + "/" + nikGroup, nikAccount + "/" + resident}; !slices.Equal(got, want) {
		t.Fatalf("sent to %v, want %v: the breach to the group, one update to the resident", got, want)
	}
	// Already late at the first scan: no warning any more, and no repeat yet.
	assertText(t, msgs[0].Text, []string{breachText, number, "lewat 1m", "#ambil"}, warningText, "pengingat", escalationText)
	assertText(t, msgs[1].Text, []string{residentText, number})
	if got := e.count(`SELECT COUNT(*) FROM outbox`); got != 2 {
		t.Errorf("%d outbox rows, want 2: reminders go through the outbox", got)
	}
	if msgs := e.scan("2026-11-25 09:45"); len(msgs) != 0 {
		t.Errorf("second scan sent %v, want nothing", chats(msgs))
	}
}

func TestRepeatAndEscalation(t *testing.T) {
	e := newEnv(t, "2026-11-25 09:00")
	number := e.nikCase(resident)
	e.scan("2026-11-25 09:30") // the breach notice

	msgs := e.scan("2026-11-25 10:30")
	if got, want := chats(msgs), []string{nikAccount + "/" + nikGroup, nikAccount + "/" + kadisPhone}; !slices.Equal(got, want) {
		t.Fatalf("first repeat sent to %v, want %v: the group and the supervisor", got, want)
	}
	// The breach notice was the first reminder: the first repeat is the second.
	assertText(t, msgs[0].Text, []string{breachText, number, "pengingat ke-2", "lewat 1j00m"}, escalationText, "pengingat ke-1")
	assertText(t, msgs[1].Text, []string{escalationText, number}, warningText, "#ambil")

	for i, at := range []string{"2026-11-25 11:30", "2026-11-25 12:30"} {
		msgs := e.scan(at)
		if got, want := chats(msgs), []string{nikAccount + "/" + nikGroup}; !slices.Equal(got, want) {
			t.Fatalf("repeat %d sent to %v, want %v: supervisors are told once", i+2, got, want)
		}
		assertText(t, msgs[0].Text, []string{"pengingat ke-" + string(rune('3'+i))})
	}
	for _, at := range []string{"2026-11-25 13:30", "2026-11-26 14:00"} {
		if msgs := e.scan(at); len(msgs) != 0 {
			t.Errorf("at %s sent %v, want nothing after max_repeats (3)", at, chats(msgs))
		}
	}
	if got := e.count(`SELECT COUNT(*) FROM reminders WHERE kind = 'breach'`); got != 4 {
		t.Errorf("%d breach reminders, want 4 (notice and 3 repeats)", got)
	}

	t.Run("repeats count working time", func(t *testing.T) {
		e := newEnv(t, "2026-11-25 14:00")
		e.nikCase(resident) // due 14:30; one working hour later is Thursday 08:30
		e.scan("2026-11-25 14:30")
		if msgs := e.scan("2026-11-26 08:29"); len(msgs) != 0 {
			t.Errorf("Thursday 08:29 sent %v, want nothing: only 59 working minutes late", chats(msgs))
		}
		msgs := e.scan("2026-11-26 08:30")
		if len(msgs) == 0 || !strings.Contains(msgs[0].Text, "pengingat ke-2") {
			t.Errorf("Thursday 08:30 sent %v, want the first repeat", msgs)
		}
	})
	t.Run("a long silence sends one notice, numbered as sent, and escalates only after it", func(t *testing.T) {
		e := newEnv(t, "2026-11-25 09:00")
		e.nikCase(resident)
		msgs := e.scan("2026-11-26 09:00")
		group := to(msgs, nikGroup)
		if len(group) != 1 {
			t.Fatalf("sent %v, want one message to the group", chats(msgs))
		}
		// Nobody was reminded before: no "pengingat ke-N", no escalation that says they were.
		assertText(t, group[0].Text, []string{breachText}, "pengingat ke-")
		if len(to(msgs, kadisPhone)) != 0 {
			t.Errorf("sent %v, want no escalation before any notice went out", chats(msgs))
		}
		msgs = e.scan("2026-11-26 09:01")
		if got, want := chats(msgs), []string{nikAccount + "/" + kadisPhone}; !slices.Equal(got, want) {
			t.Fatalf("next scan sent %v, want %v: the escalation, once the group was reminded", got, want)
		}
		assertText(t, msgs[0].Text, []string{escalationText, "sudah diingatkan"})
	})
}

func TestNoReminderWhenClosed(t *testing.T) {
	// Thursday 24 and Friday 25 December 2026 are a holiday and collective leave.
	e := newEnv(t, "2026-12-23 14:00")
	number := e.nikCase(resident) // due Wednesday 14:30
	for _, at := range []string{"2026-12-23 15:30", "2026-12-24 10:00", "2026-12-25 09:00", "2026-12-26 09:00", "2026-12-28 07:59"} {
		if msgs := e.scan(at); len(msgs) != 0 {
			t.Errorf("at %s (closed) sent %v, want nothing", at, chats(msgs))
		}
	}
	msgs := e.scan("2026-12-28 08:00")
	if len(to(msgs, nikGroup)) != 1 {
		t.Fatalf("Monday 08:00 sent %v, want the breach at the opening", chats(msgs))
	}
	// 30 working minutes late: Wednesday 14:30 to 15:00; the holidays and the weekend do not count.
	assertText(t, to(msgs, nikGroup)[0].Text, []string{breachText, number, "lewat 30m"}, "pengingat")
}

func TestPausedInNeedsFix(t *testing.T) {
	e := newEnv(t, "2026-11-25 09:00")
	number := e.nikCase(resident)
	e.clock.Set(e.at("2026-11-25 09:05"))
	e.move(number, "verifying", "")
	e.clock.Set(e.at("2026-11-25 09:10"))
	e.move(number, "needs_fix", "foto KK buram")
	for _, at := range []string{"2026-11-25 09:40", "2026-11-25 14:00", "2026-11-27 10:00"} {
		if msgs := e.scan(at); len(msgs) != 0 {
			t.Errorf("at %s sent %v, want nothing: the case waits on the resident", at, chats(msgs))
		}
	}
	// The resident answers on Friday at 10:00: verifying again, 30 working minutes from now.
	e.clock.Set(e.at("2026-11-27 10:00"))
	e.move(number, "verifying", "")
	if msgs := to(e.scan("2026-11-27 10:23"), nikGroup); len(msgs) != 0 {
		t.Errorf("10:23 sent %v to the group, want nothing: the clock restarted at 10:00", chats(msgs))
	}
	if msgs := e.scan("2026-11-27 10:24"); len(msgs) != 1 || !strings.Contains(msgs[0].Text, warningText) {
		t.Errorf("10:24 sent %v, want the warning of the new stay in verifying", msgs)
	}
}

func TestRestartDoesNotRepeat(t *testing.T) {
	e := newEnv(t, "2026-11-25 09:00")
	e.nikCase(resident)
	e.scan("2026-11-25 09:24")
	first := e.scan("2026-11-25 09:31")
	if len(first) != 2 {
		t.Fatalf("breach sent %v, want the group and the resident", chats(first))
	}
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	e.open() // a new process: new database handle, router and scheduler
	for _, at := range []string{"2026-11-25 09:31", "2026-11-25 09:40"} {
		if msgs := e.scan(at); len(msgs) != 0 {
			t.Errorf("after the restart, at %s sent %v, want nothing", at, chats(msgs))
		}
	}
	if msgs := e.scan("2026-11-25 10:31"); len(to(msgs, nikGroup)) != 1 {
		t.Errorf("after the restart, the first repeat sent %v, want it to the group", chats(msgs))
	}
	if got, want := e.count(`SELECT COUNT(*) FROM outbox WHERE chat = ?`, nikGroup), 3; got != want {
		t.Errorf("%d messages to the group, want %d (warning, breach, repeat)", got, want)
	}
}

func TestOverlappingScansSendOnce(t *testing.T) {
	e := newEnv(t, "2026-11-25 09:00")
	for i := range 5 {
		e.nikCase("62812345678" + string(rune('0'+i)))
	}
	first := e.sched
	e.open() // a second process on the same database file
	now := e.at("2026-11-25 09:31")
	e.clock.Set(now)

	var mu sync.Mutex
	var all []ketanmu.Outbound
	var wg sync.WaitGroup
	for i := range 8 {
		sched := first
		if i%2 == 1 {
			sched = e.sched
		}
		wg.Go(func() {
			msgs, err := sched.Scan(context.Background(), now)
			if err != nil {
				t.Errorf("scan %d: %v", i, err)
			}
			mu.Lock()
			all = append(all, msgs...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if got, want := len(to(all, nikGroup)), 1; got != want {
		t.Errorf("%d breach messages to the group, want %d", got, want)
	}
	if got, want := len(all), 6; got != want {
		t.Errorf("%d messages in all, want %d (one to the group, one per resident)", got, want)
	}
	if got, want := e.count(`SELECT COUNT(*) FROM outbox`), 6; got != want {
		t.Errorf("%d outbox rows, want %d", got, want)
	}
}

func TestGroupedPerRecipient(t *testing.T) {
	e := newEnv(t, "2026-11-25 09:00")
	late := []string{e.nikCase("6281234567801"), e.nikCase("6281234567802"), e.nikCase("6281234567803")}
	e.clock.Set(e.at("2026-11-25 09:10"))
	soon := e.nikCase("6281234567804") // due 09:40, warned at 09:34
	mine := e.nikCase("6281234567805")
	e.assign(mine, rina)
	ktp := e.newCase("kk_ktp", ktpAccount, "6281234567806") // 7 working hours: not due today

	msgs := e.scan("2026-11-25 09:35")
	group := to(msgs, nikGroup)
	if len(group) != 1 {
		t.Fatalf("sent %v, want one message to the NIK group", chats(msgs))
	}
	text := group[0].Text
	assertText(t, text, append(late, soon, breachText, warningText, "3 permohonan", "1 permohonan"), mine, ktp)
	if strings.Index(text, breachText) > strings.Index(text, warningText) {
		t.Errorf("the breaches should come first:\n%s", text)
	}
	if got := to(msgs, rinaPhone); len(got) != 1 || !strings.Contains(got[0].Text, mine) {
		t.Errorf("Rina got %v, want one warning about %s", got, mine)
	}
	if got := len(to(msgs, ktpGroup)); got != 0 {
		t.Errorf("the KK/KTP group got %d messages, want none", got)
	}
	// Each resident of a late case gets their own update.
	if got := len(msgs); got != 2+len(late) {
		t.Errorf("%d messages, want %d: %v", got, 2+len(late), chats(msgs))
	}
}

func TestResidentNotToldWhileAnOperatorHasTheChat(t *testing.T) {
	e := newEnv(t, "2026-11-25 09:00")
	number := e.nikCase(resident)
	e.clock.Set(e.at("2026-11-25 09:20"))
	err := e.db.Update(context.Background(), func(tx *store.Tx) error {
		conv, err := tx.Conversation(nikAccount, resident)
		if err != nil {
			return err
		}
		conv.HumanBy, conv.HumanAt = "HP kantor", tx.Now()
		return tx.SaveConversation(conv)
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs := e.scan("2026-11-25 09:31")
	if got, want := chats(msgs), []string{nikAccount + "/" + nikGroup}; !slices.Equal(got, want) {
		t.Errorf("sent to %v, want %v: the bot does not talk over the operator in %s's chat", got, want, number)
	}
}

// Run is the wall-clock scheduler of `ketanmu serve`: robfig/cron fires the scan, which reads
// the scheduler's clock.
func TestRunOnWallClock(t *testing.T) {
	e := newEnv(t, "2026-11-25 09:00")
	e.nikCase(resident)
	e.clock.Set(e.at("2026-11-25 09:31"))
	e.cfg.SLA.Scan = "@every 1s"
	e.open()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		e.sched.Run(ctx)
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for e.count(`SELECT COUNT(*) FROM outbox WHERE chat = ?`, nikGroup) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	if got := e.count(`SELECT COUNT(*) FROM outbox WHERE chat = ?`, nikGroup); got != 1 {
		t.Errorf("%d breach notices after the cron scans, want 1", got)
	}
}

// A stage overrun is the operators' business: the resident hears of a delay only once the date
// promised to them has passed, and then once.
func TestResidentToldOnlyAfterPromisedDate(t *testing.T) {
	e := newEnv(t, "2026-11-25 09:00")
	number := e.newCase("kk_ktp", ktpAccount, resident) // submitted: 2h; promised Monday 30 November 09:00
	msgs := e.scan("2026-11-25 11:01")
	if got, want := chats(msgs), []string{ktpAccount + "/" + ktpGroup}; !slices.Equal(got, want) {
		t.Fatalf("stage overrun sent to %v, want %v only: the promised date is days away", got, want)
	}
	for _, at := range []string{"2026-11-26 09:00", "2026-11-30 08:59"} {
		if got := to(e.scan(at), resident); len(got) != 0 {
			t.Errorf("at %s told the resident %q, want nothing before the promised date", at, got[0].Text)
		}
	}
	msgs = to(e.scan("2026-11-30 09:00"), resident)
	if len(msgs) != 1 {
		t.Fatalf("at the promised date told the resident %d times, want once", len(msgs))
	}
	assertText(t, msgs[0].Text, []string{residentText, number, "Senin, 30 November 2026", "Diterima, menunggu diperiksa petugas"})
	if got := to(e.scan("2026-11-30 10:00"), resident); len(got) != 0 {
		t.Errorf("told the resident again: %q", got[0].Text)
	}
}

// TestComplaintRemindersStayWithComplaintsOfficers: a complaint on a number that serves every
// service is warned about and breached in its complaints group, never in the general group
// whose members it may be about.
func TestComplaintRemindersStayWithComplaintsOfficers(t *testing.T) {
	e := newEnv(t, "2026-11-25 09:00")
	number := e.newCase("pengaduan", nikAccount, resident)
	acc, _ := e.cfg.Account(nikAccount)
	want := []string{nikAccount + "/" + acc.ComplaintsGroup}
	warning := e.scan("2026-11-25 14:50")
	if got := chats(warning); !slices.Equal(got, want) {
		t.Fatalf("warning sent to %v, want %v", got, want)
	}
	assertText(t, warning[0].Text, []string{warningText, number})
	if got := chats(e.scan("2026-11-26 09:05")); !slices.Contains(got, want[0]) || slices.Contains(got, nikAccount+"/"+nikGroup) {
		t.Errorf("breach sent to %v, want the complaints group and not %s", got, nikGroup)
	}
}

// TestJumpPastClosingStillReminds: the simulator's clock jumps from morning to after closing in
// one step; what came due while the office was open is sent, as the minute-by-minute scan
// would have sent it.
func TestJumpPastClosingStillReminds(t *testing.T) {
	e := newEnv(t, "2026-11-26 09:00") // Thursday
	number := e.nikCase(resident)
	now := e.at("2026-11-26 15:01") // closed since 15:00
	e.clock.Set(now)
	if err := e.sched.RunDue(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT COUNT(*) FROM reminders r JOIN cases c ON c.id = r.case_id WHERE c.number = ? AND r.kind = 'breach'`, number); n != 1 {
		t.Errorf("%d breach notices after the jump, want 1", n)
	}
}

// A privacy request's deadline counts calendar hours (its profile's due_within): the breach
// notice counts how late it is on the same clock, not in working hours.
func TestPrivacyLatenessOnItsOwnClock(t *testing.T) {
	e := newEnv(t, "2026-11-25 09:00")
	number := e.newCase("privasi", nikAccount, resident)
	p, _ := e.cfg.Profile("privasi")
	due := e.at("2026-11-25 09:00").Add(p.DueWithin) // Saturday 09:00
	if _, err := e.db.SQL().Exec(`UPDATE cases SET stage_due_at = ?, due_at = ? WHERE number = ?`,
		due.UTC().Format("2006-01-02T15:04:05.000Z"), due.UTC().Format("2006-01-02T15:04:05.000Z"), number); err != nil {
		t.Fatal(err)
	}
	var breach string
	for _, m := range e.scan("2026-11-30 09:00") { // Monday: 48 calendar hours late, 1 working hour
		if strings.Contains(m.Text, number) && strings.Contains(m.Text, breachText) {
			breach = m.Text
		}
	}
	if breach == "" {
		t.Fatal("no breach notice for the privacy request")
	}
	assertText(t, breach, []string{"lewat " + sla.FormatDurationID(48*time.Hour)})
}
