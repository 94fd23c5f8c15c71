package reminder_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/lifecycle"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/reminder"
	"github.com/ketanmu/ketanmu/sla"
	"github.com/ketanmu/ketanmu/store"
)

var _ reminder.Sender = (*bot.Router)(nil)

var discard = testfix.Log

// The example config's numbers and people the tests meet.
const (
	nikAccount = "nik"
	nikGroup   = "120363000000000104@g.us"
	ktpAccount = "kkktp"
	ktpGroup   = "120363000000000101@g.us"
	rina       = "Rina (front office)"
	rinaPhone  = "6281200000001"
	kadisPhone = "6281200000004" // Bu Kadis, the only supervisor
)

// Clock is the tests' fake clock.
type Clock = testfix.Clock

// env is a database, a router and a scheduler wired as `ketanmu sim` wires them, on a fake clock.
type env struct {
	tb     testing.TB
	cfg    *config.Config
	clock  *Clock
	path   string
	db     *store.DB
	router *bot.Router
	cases  *casework.Service
	sched  *reminder.Scheduler
}

// MustConfig loads the built-in example config.
func MustConfig(tb testing.TB) *config.Config {
	tb.Helper()
	return testfix.Config(tb, "")
}

// newEnv opens a fresh database with the clock at start (office time, "2006-01-02 15:04").
func newEnv(tb testing.TB, start string) *env {
	tb.Helper()
	e := &env{tb: tb, cfg: MustConfig(tb), clock: &Clock{}, path: filepath.Join(tb.TempDir(), "ketanmu.db")}
	// The tests read most simply with 30 minutes in each of Validasi NIK's stages, the first of
	// which ends on the date promised to the resident (nikCase).
	nik := e.cfg.Profiles["validasi_nik"]
	nik.Deadlines = map[ketanmu.Stage]sla.Duration{ketanmu.StageSubmitted: {Work: 30 * time.Minute}, ketanmu.StageVerifying: {Work: 30 * time.Minute}}
	e.cfg.Profiles["validasi_nik"] = nik
	e.clock.Set(e.at(start))
	e.open()
	return e
}

// open opens the database and wires a new router and scheduler on it: a (re)start.
func (e *env) open() {
	e.tb.Helper()
	db := testfix.OpenDB(e.tb, e.path, e.clock.Now)
	e.db = db
	testfix.Seed(e.tb, db, e.cfg)
	var err error
	core, err := app.Wire(db, e.cfg, discard, &sim.Transport{})
	if err != nil {
		e.tb.Fatal(err)
	}
	e.router, e.cases = core.Router, core.Cases
	if e.sched, err = reminder.New(db, e.cfg, e.router, e.clock.Now, discard); err != nil {
		e.tb.Fatalf("reminder.New: %v", err)
	}
}

// at parses an office-local time "2006-01-02 15:04".
func (e *env) at(s string) time.Time {
	e.tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, e.cfg.Office.Location)
	if err != nil {
		e.tb.Fatal(err)
	}
	return t
}

// newCase files a case at the clock's time the way the router does (stage deadline from the
// workflow profile, due date from the service's time standard, after the resident's last
// message) and returns its number.
func (e *env) newCase(service, account, phone string) string {
	e.tb.Helper()
	svc := e.cfg.Services[service]
	cal := e.cfg.Office.Calendar
	var number string
	err := e.db.Update(context.Background(), func(tx *store.Tx) error {
		rid, err := tx.Resident(phone, "")
		if err != nil {
			return err
		}
		now := tx.Now()
		if _, err := tx.RecordInbound(ketanmu.Inbound{Account: account, ID: fmt.Sprintf("APPLY-%s-%d", phone, now.UnixNano()),
			Chat: phone, Kind: ketanmu.KindText, Text: "ya"}); err != nil {
			return err
		}
		nc := store.NewCase{Account: account, Chat: phone, ResidentID: rid, Prefix: svc.Prefix, Service: service,
			NIK: "3516131204850003", Name: "Siti Aminah", Due: e.promise(service, now),
			Day: now.In(e.cfg.Office.Location).Format("060102")}
		if d, ok := e.cfg.Profiles[svc.Profile].Deadlines[ketanmu.StageSubmitted]; ok {
			nc.StageDue = cal.Add(now, d)
		}
		number, err = tx.CreateCase(nc)
		return err
	})
	if err != nil {
		e.tb.Fatalf("new case: %v", err)
	}
	return number
}

func (e *env) nikCase(phone string) string { return e.newCase("validasi_nik", nikAccount, phone) }

// move transitions a case at the clock's time, as an API caller would.
func (e *env) move(number, to, reason string) {
	e.tb.Helper()
	a := casework.Actor{Name: "test", Roles: []ketanmu.Role{ketanmu.RoleSupervisor}}
	if _, err := e.cases.Do(context.Background(), a, number, casework.ActionFor(ketanmu.Stage(to), reason, "")); err != nil {
		e.tb.Fatalf("%s → %s: %v", number, to, err)
	}
}

func (e *env) assign(number, who string) {
	e.tb.Helper()
	err := e.db.Update(context.Background(), func(tx *store.Tx) error {
		c, err := tx.CaseByNumber(number)
		if err != nil {
			return err
		}
		return tx.SetAssignee(c.ID, who)
	})
	if err != nil {
		e.tb.Fatal(err)
	}
}

// scan moves the clock to at and scans.
func (e *env) scan(at string) []ketanmu.Outbound {
	e.tb.Helper()
	now := e.at(at)
	e.clock.Set(now)
	msgs, err := e.sched.Scan(context.Background(), now)
	if err != nil {
		e.tb.Fatalf("Scan(%s): %v", at, err)
	}
	return msgs
}

// count returns the result of a SELECT COUNT(*) query.
func (e *env) count(query string, args ...any) int {
	e.tb.Helper()
	var n int
	if err := e.db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		e.tb.Fatalf("%s: %v", query, err)
	}
	return n
}

// to returns the messages for one chat.
func to(msgs []ketanmu.Outbound, chat string) []ketanmu.Outbound {
	var out []ketanmu.Outbound
	for _, m := range msgs {
		if m.Chat == chat {
			out = append(out, m)
		}
	}
	return out
}

// chats lists where msgs go, "account/chat" each, in order.
func chats(msgs []ketanmu.Outbound) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Account+"/"+m.Chat)
	}
	return out
}

// assertText checks that text contains every want and none of the not.
func assertText(tb testing.TB, text string, want []string, not ...string) {
	tb.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			tb.Errorf("text lacks %q:\n%s", w, text)
		}
	}
	for _, n := range not {
		if strings.Contains(text, n) {
			tb.Errorf("text has %q:\n%s", n, text)
		}
	}
}

// promise is the date promised for a case of service filed at now: for Validasi NIK the end
// of its first stage (see newEnv), else the profile's own.
func (e *env) promise(service string, now time.Time) time.Time {
	if service == "validasi_nik" {
		return e.cfg.Office.Calendar.Add(now, sla.Duration{Work: 30 * time.Minute})
	}
	return e.cfg.Promise(service, lifecycle.Path{}, now)
}
