package casework_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

// env is the case service on a real SQLite file with the example config, its clock at
// Wednesday 25 November 2026 09:00 in Jakarta.
type env struct {
	db    *store.DB
	cfg   *config.Config
	svc   *casework.Service
	clock *testfix.Clock
}

func newEnv(tb testing.TB) *env { return newEnvFrom(tb, "") }

// newEnvFrom is newEnv with the office's config file at path over the example.
func newEnvFrom(tb testing.TB, path string) *env {
	tb.Helper()
	cfg := testfix.Config(tb, path)
	e := &env{cfg: cfg, clock: testfix.NewClock(testfix.Start)}
	e.db = testfix.DB(tb, cfg, e.clock.Now)
	// The production wiring (internal/app): the outbox's queueing rules, lanes and the
	// proactive rule, shared with the router.
	core, err := app.Wire(e.db, cfg, testfix.Log, &sim.Transport{})
	if err != nil {
		tb.Fatal(err)
	}
	e.svc = core.Cases
	return e
}

// actor is the configured operator name as the database keeps them.
func (e *env) actor(tb testing.TB, name string) casework.Actor {
	tb.Helper()
	var a casework.Actor
	err := e.db.View(context.Background(), func(tx *store.Tx) error {
		op, err := tx.OperatorByName(name)
		a = casework.OperatorActor(op)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// newCase stores a case of service for phone, waiting, with a stage deadline from the profile.
func (e *env) newCase(tb testing.TB, service, phone, name, nik string) string {
	tb.Helper()
	return e.newCaseDue(tb, service, phone, name, nik, e.cfg.Promise(service, lifecycle.Path{Delivery: ketanmu.DeliveryPickup}, e.clock.Now()))
}

// newCaseDue is newCase with the case's deadline due.
func (e *env) newCaseDue(tb testing.TB, service, phone, name, nik string, due time.Time) string {
	tb.Helper()
	var number string
	err := e.db.Update(context.Background(), func(tx *store.Tx) error {
		// The resident applied by writing to the number: what lets the bot write back.
		if _, err := tx.RecordInbound(ketanmu.Inbound{Account: "nik", Chat: phone, ID: "apply-" + phone + "-" + service,
			Kind: ketanmu.KindText, Text: "ya"}); err != nil {
			return err
		}
		rid, err := tx.Resident(phone, "")
		if err != nil {
			return err
		}
		conv := store.Conversation{Account: "nik", Chat: phone, ResidentID: rid}
		if err := tx.SaveConversation(conv); err != nil {
			return err
		}
		number, _, err = e.svc.Open(tx, conv, flows.NewCase{Service: service, NIK: nik, Name: name,
			Details: map[string]string{"delivery": "pickup"}, Due: due})
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return number
}

func TestActorChecks(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	number := e.newCase(t, "kk_ktp", "6281300000001", "Budi Santoso", "3516131204850003")
	complaint := e.newCase(t, "pengaduan", "6281300000002", "", "")
	rina, sari, kadis := e.actor(t, "Rina (front office)"), e.actor(t, "Sari (pengaduan)"), e.actor(t, "Bu Kadis")

	tests := []struct {
		name   string
		actor  casework.Actor
		number string
		action casework.Action
		code   string
	}{
		{"nobody", casework.Actor{Name: "tamu"}, number, casework.Action{Kind: casework.Take}, ketanmu.EFORBIDDEN},
		{"a name without roles", casework.Actor{Name: "Rina (front office)"}, number, casework.Action{Kind: casework.Take}, ketanmu.EFORBIDDEN},
		{"a complaint for the front office", rina, complaint, casework.Action{Kind: casework.Take}, ketanmu.ENOTFOUND},
		{"assigning others without supervising", rina, number, casework.Action{Kind: casework.Assign, Assignee: "Agus (validator)"}, ketanmu.EFORBIDDEN},
		{"assigning a complaint to whom may not see it", kadis, complaint, casework.Action{Kind: casework.Assign, Assignee: "Dewi (produksi)"}, ketanmu.EFORBIDDEN},
		{"an unknown action", rina, number, casework.Action{Kind: "fly"}, ketanmu.EINVALID},
		{"a reason is needed", rina, number, casework.Action{Kind: casework.Reject, Text: "  "}, ketanmu.EINVALID},
		{"an unknown document", rina, number, casework.Action{Kind: casework.AskFix, Docs: []string{"paspor"}}, ketanmu.EINVALID},
		{"an unknown case", rina, "KTP-261125-9999", casework.Action{Kind: casework.Take}, ketanmu.ENOTFOUND},
		{"the counter for a case to be posted", rina, number, casework.Action{Kind: casework.Ship, Tracking: "R1"}, ketanmu.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Do(ctx, tt.actor, tt.number, tt.action)
			if got := ketanmu.ErrorCode(err); got != tt.code {
				t.Errorf("Do = %v (code %q), want code %q", err, got, tt.code)
			}
		})
	}
	t.Run("what each may see", func(t *testing.T) {
		for _, tc := range []struct {
			actor casework.Actor
			want  []string
		}{{rina, []string{number}}, {sari, []string{number, complaint}}, {kadis, []string{number, complaint}}} {
			page, err := e.svc.Queue(ctx, tc.actor, casework.Filter{Open: true})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range page.Cases {
				got = append(got, c.Number)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s sees %v, want %v", tc.actor.Name, got, tc.want)
			}
		}
	})
	t.Run("refusals leave no trace", func(t *testing.T) {
		var n int
		if err := e.db.SQL().QueryRow(`SELECT (SELECT COUNT(*) FROM case_events) + (SELECT COUNT(*) FROM audit_log)
			+ (SELECT COUNT(*) FROM outbox)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 2 { // the two cases' first events
			t.Errorf("%d rows of events, audit and outbox after refusals, want 2", n)
		}
	})
}

func TestActionsRecordAndNotify(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	number := e.newCase(t, "kk_ktp", "6281300000001", "Budi Santoso", "3516131204850003")
	rina := e.actor(t, "Rina (front office)")

	c, err := e.svc.Do(ctx, rina, number, casework.Action{Kind: casework.AskFix, Text: "foto KK buram"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Stage != ketanmu.StageNeedsFix || c.Assignee != rina.Name {
		t.Errorf("after asking for a fix: %s by %q, want needs_fix taken by Rina on the way", c.Stage, c.Assignee)
	}
	f, err := e.svc.Case(ctx, rina, number)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, ev := range f.Events {
		steps = append(steps, fmt.Sprintf("%s→%s %s", ev.From, ev.To, ev.Actor))
	}
	if want := []string{"→submitted pemohon", "submitted→verifying Rina (front office)", "verifying→needs_fix Rina (front office)"}; !slices.Equal(steps, want) {
		t.Errorf("events = %q, want %q", steps, want)
	}
	if len(f.Audit) != 1 || f.Audit[0].Action != "fix" || f.Audit[0].Actor != rina.Name {
		t.Errorf("audit = %+v, want one fix by Rina", f.Audit)
	}
	var texts []string
	rows, err := e.db.SQL().Query(`SELECT text FROM outbox WHERE chat = '6281300000001' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, s)
	}
	if len(texts) != 1 || !bytes.Contains([]byte(texts[0]), []byte("foto KK buram")) {
		t.Errorf("resident was sent %q, want only what to resend", texts)
	}
	// The clock stopped: the working time left is kept while the resident fixes.
	if cl := e.svc.ClockAt(c, e.clock.Now().Add(time.Hour)); !cl.Paused {
		t.Errorf("clock in needs_fix = %+v, want paused", cl)
	}
	if c.Paused <= 0 {
		t.Errorf("paused working time = %v, want the time left on the case", c.Paused)
	}
}

func TestQueueFilters(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	kadis := e.actor(t, "Bu Kadis")
	a := e.newCase(t, "kk_ktp", "6281300000001", "Budi Santoso", "3516131204850003")
	b := e.newCase(t, "validasi_nik", "6281300000002", "Siti Aminah", "3516134509900002")
	c := e.newCase(t, "akta", "6281300000003", "Budiman", "3516131204850099")
	if _, err := e.svc.Do(ctx, kadis, b, casework.Action{Kind: casework.Take}); err != nil {
		t.Fatal(err)
	}
	// NIK validation is due in 30 minutes of working time, the others' first stage in 2 hours.
	e.clock.Advance(time.Hour)
	for _, tc := range []struct {
		name string
		f    casework.Filter
		want []string
	}{
		{"all", casework.Filter{}, []string{a, b, c}},
		{"newest first", casework.Filter{NewestFirst: true}, []string{c, b, a}},
		{"number", casework.Filter{Search: " " + b + " "}, []string{b}},
		{"number in lower case", casework.Filter{Search: "nik-261125-0001"}, []string{b}},
		{"NIK", casework.Filter{Search: "3516131204850099"}, []string{c}},
		{"phone", casework.Filter{Search: "0813-0000-0001"}, []string{a}},
		{"name part", casework.Filter{Search: "budi"}, []string{a, c}},
		{"name with a LIKE wildcard", casework.Filter{Search: "bud%"}, nil},
		{"service", casework.Filter{Service: "akta"}, []string{c}},
		{"stage", casework.Filter{Stage: ketanmu.StageVerifying}, []string{b}},
		{"mine", casework.Filter{Mine: true}, []string{b}},
		{"unassigned", casework.Filter{Unassigned: true}, []string{a, c}},
		{"overdue", casework.Filter{Overdue: true}, []string{b}},
		{"page 2 of 2", casework.Filter{PerPage: 2, Page: 2}, []string{c}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, err := e.svc.Queue(ctx, kadis, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range page.Cases {
				got = append(got, c.Number)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Queue = %v, want %v", got, tc.want)
			}
		})
	}
	for _, f := range []casework.Filter{{Stage: "approved"}, {Service: "paspor"}, {Page: casework.MaxPage + 1}} {
		if _, err := e.svc.Queue(ctx, kadis, f); ketanmu.ErrorCode(err) != ketanmu.EINVALID {
			t.Errorf("Queue(%+v) = %v, want EINVALID", f, err)
		}
	}
	counts, err := e.svc.Counts(ctx, kadis, casework.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if counts[ketanmu.StageSubmitted] != 2 || counts[ketanmu.StageVerifying] != 1 {
		t.Errorf("counts = %v, want 2 waiting and 1 being checked", counts)
	}
}

// TestPickupNoticeHours checks that the hours in a notification name a closed day with the
// office's word (texts.closed), not a word fixed in code.
func TestPickupNoticeHours(t *testing.T) {
	e := newEnv(t)
	e.cfg.Texts["closed"] = "libur"
	ctx := context.Background()
	number := e.newCase(t, "kk_ktp", "6281300000001", "Budi Santoso", "3516131204850003")
	rina := e.actor(t, "Rina (front office)")
	for _, a := range []casework.Action{{Kind: casework.Take}, {Kind: casework.Advance}, {Kind: casework.Pickup}} {
		if _, err := e.svc.Do(ctx, rina, number, a); err != nil {
			t.Fatalf("%s: %v", a.Kind, err)
		}
	}
	var text string
	if err := e.db.SQL().QueryRow(`SELECT text FROM outbox WHERE chat = '6281300000001' ORDER BY id DESC LIMIT 1`).Scan(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "libur") || strings.Contains(text, "tutup") {
		t.Errorf("pickup notice = %q, want the hours with the office's word for closed days", text)
	}
}

// TestCardShowsServiceData checks that the operators read the data a variant collects, in the
// order the resident answered it, with the NIKs in it masked on the group's card.
func TestCardShowsServiceData(t *testing.T) {
	e := newEnv(t)
	var number string
	err := e.db.Update(context.Background(), func(tx *store.Tx) error {
		rid, err := tx.Resident("6281300000009", "")
		if err != nil {
			return err
		}
		conv := store.Conversation{Account: "nik", Chat: "6281300000009", ResidentID: rid}
		if err := tx.SaveConversation(conv); err != nil {
			return err
		}
		number, _, err = e.svc.Open(tx, conv, flows.NewCase{Service: "akta", Subtype: "akta_kematian", NIK: "3516131204850003",
			Name: "Sri Wahyuni", Details: map[string]string{"delivery": "pickup", "death_date": "3 November 2026",
				"deceased_name": "Slamet Riyadi", "deceased_nik": "3516131503450001"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var c ketanmu.Case
	if err := e.db.View(context.Background(), func(tx *store.Tx) error {
		c, err = tx.CaseByNumber(number)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := e.svc.DetailKeys(c), []string{"deceased_nik", "deceased_name", "death_date", "delivery"}; !slices.Equal(got, want) {
		t.Errorf("DetailKeys = %q, want the variant's fields in order, then the rest", got)
	}
	card := e.svc.CardText(c, "op_status")
	i, j, k := strings.Index(card, "NIK almarhum: "), strings.Index(card, "Nama almarhum: Slamet Riyadi"), strings.Index(card, "Tanggal meninggal: 3 November 2026")
	if i < 0 || j < i || k < j {
		t.Errorf("card = %q, want the deceased's NIK, name and date of death in that order", card)
	}
	if strings.Contains(card, "3516131503450001") {
		t.Errorf("card = %q shows the deceased's NIK unmasked", card)
	}
}

// TestPakPosPickup walks a PAK POS case to be collected through the cases service with each
// step's role: nobody may skip the signature, the head of office signs, production prints,
// and the counter is told; the post is refused for a pickup case.
func TestPakPosPickup(t *testing.T) {
	e := newEnvFrom(t, filepath.Join("..", "docs", "examples", "wonogiri.yaml"))
	ctx := context.Background()
	number := e.newCase(t, "akta", "6281300000007", "Ahmad Fauzi", "3312011204850003")
	rina, agus, dewi, kadis := e.actor(t, "Rina (front office)"), e.actor(t, "Agus (validator)"),
		e.actor(t, "Dewi (produksi)"), e.actor(t, "Bu Kadis")
	steps := []struct {
		actor casework.Actor
		a     casework.Action
		want  ketanmu.Stage
		code  string
	}{
		{rina, casework.Action{Kind: casework.Take}, ketanmu.StageVerifying, ""},
		{agus, casework.Action{Kind: casework.Advance}, ketanmu.StageValidated, ""},
		{rina, casework.Action{Kind: casework.Advance}, ketanmu.StageFilesReceived, ""},
		{dewi, casework.Action{Kind: casework.Advance}, ketanmu.StageInProduction, ""},
		{dewi, casework.Action{Kind: casework.Move, To: ketanmu.StagePrinted}, "", ketanmu.ECONFLICT}, // no print before TTE
		{agus, casework.Action{Kind: casework.Advance}, "", ketanmu.EFORBIDDEN},                       // production requests the TTE
		{dewi, casework.Action{Kind: casework.Advance}, ketanmu.StageSigning, ""},
		{dewi, casework.Action{Kind: casework.Advance}, "", ketanmu.EFORBIDDEN}, // only the head signs
		{kadis, casework.Action{Kind: casework.Advance}, ketanmu.StageSigned, ""},
		{dewi, casework.Action{Kind: casework.Advance}, ketanmu.StagePrinted, ""},
		{rina, casework.Action{Kind: casework.Ship, Tracking: "R1"}, "", ketanmu.ECONFLICT}, // the resident collects it
		{rina, casework.Action{Kind: casework.Advance}, ketanmu.StageReadyForPickup, ""},
	}
	for i, st := range steps {
		c, err := e.svc.Do(ctx, st.actor, number, st.a)
		if st.code != "" {
			if ketanmu.ErrorCode(err) != st.code {
				t.Fatalf("step %d (%s by %s): error %v, want %s", i, st.a.Kind, st.actor.Name, err, st.code)
			}
			continue
		}
		if err != nil || c.Stage != st.want {
			t.Fatalf("step %d (%s by %s): %s, %v; want %s", i, st.a.Kind, st.actor.Name, c.Stage, err, st.want)
		}
	}
	var last string
	if err := e.db.SQL().QueryRow(`SELECT text FROM outbox WHERE chat = '6281300000007' ORDER BY id DESC LIMIT 1`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(last, "siap diambil") || !strings.Contains(last, "Loket Pengambilan Disdukcapil Kab. Wonogiri") {
		t.Errorf("last notice = %q, want ready at Wonogiri's counter", last)
	}
	var notices int
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM outbox WHERE chat = '6281300000007'`).Scan(&notices); err != nil {
		t.Fatal(err)
	}
	if notices != 8 { // one per step the resident is told of
		t.Errorf("%d notices to the resident, want 8 (one per step)", notices)
	}
}

// TestPakPosCardSkipsTTE: a KIA (output: card) is printed after production, never sent for an
// electronic signature.
func TestPakPosCardSkipsTTE(t *testing.T) {
	e := newEnvFrom(t, filepath.Join("..", "docs", "examples", "wonogiri.yaml"))
	ctx := context.Background()
	number := e.newCase(t, "kia", "6281300000008", "Aisyah Putri", "3312014203190001")
	rina, agus, dewi := e.actor(t, "Rina (front office)"), e.actor(t, "Agus (validator)"), e.actor(t, "Dewi (produksi)")
	for i, st := range []struct {
		actor casework.Actor
		a     casework.Action
		want  ketanmu.Stage
		code  string
	}{
		{rina, casework.Action{Kind: casework.Take}, ketanmu.StageVerifying, ""},
		{agus, casework.Action{Kind: casework.Advance}, ketanmu.StageValidated, ""},
		{rina, casework.Action{Kind: casework.Advance}, ketanmu.StageFilesReceived, ""},
		{dewi, casework.Action{Kind: casework.Advance}, ketanmu.StageInProduction, ""},
		{dewi, casework.Action{Kind: casework.Move, To: ketanmu.StageSigning}, "", ketanmu.ECONFLICT},
		{dewi, casework.Action{Kind: casework.Advance}, ketanmu.StagePrinted, ""},
	} {
		c, err := e.svc.Do(ctx, st.actor, number, st.a)
		if st.code != "" {
			if ketanmu.ErrorCode(err) != st.code {
				t.Fatalf("step %d (%s by %s): error %v, want %s", i, st.a.Kind, st.actor.Name, err, st.code)
			}
			continue
		}
		if err != nil || c.Stage != st.want {
			t.Fatalf("step %d (%s by %s): %s, %v; want %s", i, st.a.Kind, st.actor.Name, c.Stage, err, st.want)
		}
	}
}

// TestTranscriptOfAChatWithAComplaint: a resident who filed a complaint and an application in
// one chat; the front office reads the application but not the chat (the complaint is in it).
func TestTranscriptOfAChatWithAComplaint(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const chat = "6281300000009"
	e.newCase(t, "pengaduan", chat, "", "")
	application := e.newCase(t, "validasi_nik", chat, "Budi Santoso", "3516131204850003")
	err := e.db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.RecordInbound(ketanmu.Inbound{Account: "nik", ID: "IN1", Chat: chat, Kind: ketanmu.KindText,
			Text: "Petugas Rina membentak saya", At: e.clock.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		hidden bool
	}{{"Rina (front office)", true}, {"Sari (pengaduan)", false}, {"Bu Kadis", false}} {
		f, err := e.svc.Case(ctx, e.actor(t, tc.name), application)
		if err != nil {
			t.Fatal(err)
		}
		if f.TranscriptHidden != tc.hidden || (tc.hidden && len(f.Transcript) > 0) || (!tc.hidden && len(f.Transcript) == 0) {
			t.Errorf("%s: hidden %v with %d messages, want hidden %v", tc.name, f.TranscriptHidden, len(f.Transcript), tc.hidden)
		}
	}
}

// TestClosingTheLastCaseHandsTheChatBack: an operator replied (a person has the chat) and closes
// the case from the workspace or the API: the bot answers the resident again.
func TestClosingTheLastCaseHandsTheChatBack(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sari := e.actor(t, "Sari (pengaduan)")
	number := e.newCase(t, "pengaduan", "6281300000010", "", "")
	for _, a := range []casework.Action{{Kind: casework.Reply, Text: "Terima kasih, kami tindak lanjuti."}, {Kind: casework.Close}} {
		if _, err := e.svc.Do(ctx, sari, number, a); err != nil {
			t.Fatal(err)
		}
	}
	var human string
	if err := e.db.SQL().QueryRow(`SELECT human_by FROM conversations WHERE chat = '6281300000010'`).Scan(&human); err != nil {
		t.Fatal(err)
	}
	if human != "" {
		t.Errorf("after closing the chat's last case, %q still has the chat", human)
	}
	var told int
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM outbox WHERE chat = '6281300000010' AND text = ?`,
		e.cfg.Texts.Get("handback")).Scan(&told); err != nil || told != 1 {
		t.Errorf("hand-back message queued %d times (%v), want once", told, err)
	}
}

// A case without a NIK (a complaint) reads "-" on an operator's card, never an empty slot.
func TestCardWithoutNIK(t *testing.T) {
	e := newEnv(t)
	number := e.newCase(t, "pengaduan", "6281300000021", "", "")
	var c ketanmu.Case
	if err := e.db.View(context.Background(), func(tx *store.Tx) (err error) {
		c, err = tx.CaseByNumber(number)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if card := e.svc.CardText(c, "op_status"); !strings.Contains(card, "NIK - ·") {
		t.Errorf("card of a complaint = %q, want NIK -", card)
	}
}

// The case service has no queueing path of its own: built without the outbox's rules it is
// refused, never given a bare default.
func TestNewRequiresTheOutbox(t *testing.T) {
	e := newEnv(t)
	if svc, err := casework.New(e.db, e.cfg, flows.New(e.cfg.FlowOptions()), nil, testfix.Log); err == nil || svc != nil {
		t.Errorf("casework.New without an outbox = %v, %v; want an error", svc, err)
	}
}
