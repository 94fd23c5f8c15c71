package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/casework"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/outbox"
	"github.com/ketanmu/ketanmu/store"
)

// Chats of the example config: residents, and staff whose messages are operators' traffic.
const (
	resA, resB, resC, resD = "6285700000001", "6285700000002", "6285700000003", "6285700000004"
)

// laneMsg is an outbound message of a lane, queued straight into the outbox.
func laneMsg(id, chat string, lane ketanmu.Lane) ketanmu.Outbound {
	m := ketanmu.Outbound{ID: id, Chat: chat, Text: "pesan " + id, Lane: lane}
	if lane == ketanmu.LaneRevoke {
		m.Text, m.Revoke = "", "CMD-"+id
	}
	return m
}

// Within one pass the lanes leave most urgent first, whatever order they were queued in.
func TestOutboxLaneOrder(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	tr := &sim.Transport{}
	o := newOutbox(t, db, tr, cfg, clock)
	MustQueue(t, db,
		laneMsg("BULK", resA, ketanmu.LaneBulk),
		laneMsg("OPS", group, ketanmu.LaneOperators),
		laneMsg("NOTE", resB, ketanmu.LaneNotification),
		laneMsg("REPLY", resC, ketanmu.LaneReply),
		laneMsg("REVOKE", resD, ketanmu.LaneRevoke),
	)
	if got, want := MustSendDue(t, o), 5; got != want {
		t.Fatalf("pass tried %d, want %d", got, want)
	}
	if got, want := sentIDs(tr.Sent()), []string{"REVOKE", "REPLY", "NOTE", "OPS", "BULK"}; !slices.Equal(got, want) {
		t.Errorf("sent %v, want %v", got, want)
	}
}

// Each lane spends only its own budget: a spent bulk lane holds only bulk messages, the next
// lane keeps sending, and the bulk lane gets its budget back on the outbox's clock.
func TestOutboxLaneBudgets(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	cfg.Outbound.Lanes[string(ketanmu.LaneBulk)] = config.Budget{PerMinute: 60, Burst: 2} // 1 a second
	cfg.Outbound.Lanes[string(ketanmu.LaneReply)] = config.Budget{PerMinute: 600, Burst: 3}
	tr := &sim.Transport{}
	o := newOutbox(t, db, tr, cfg, clock)
	for i := range 5 {
		MustQueue(t, db, laneMsg(fmt.Sprintf("B%d", i), fmt.Sprintf("62857000001%02d", i), ketanmu.LaneBulk))
	}
	for i := range 5 {
		MustQueue(t, db, laneMsg(fmt.Sprintf("R%d", i), fmt.Sprintf("62857000002%02d", i), ketanmu.LaneReply))
	}
	MustSendDue(t, o)
	if got, want := sentIDs(tr.Sent()), []string{"R0", "R1", "R2", "B0", "B1"}; !slices.Equal(got, want) {
		t.Fatalf("first pass sent %v, want %v (each lane its burst)", got, want)
	}
	if got := MustSendDue(t, o); got != 0 {
		t.Errorf("pass at the same instant tried %d, want 0 (both lanes spent)", got)
	}
	clock.Advance(999 * time.Millisecond)
	MustSendDue(t, o)
	if got, want := sentIDs(tr.Sent())[5:], []string{"R3", "R4"}; !slices.Equal(got, want) {
		t.Fatalf("999ms later sent %v, want %v (replies refill at 10/s, bulk not yet)", got, want)
	}
	clock.Advance(time.Millisecond)
	MustSendDue(t, o)
	if got, want := sentIDs(tr.Sent())[7:], []string{"B2"}; !slices.Equal(got, want) {
		t.Fatalf("1s later sent %v, want %v", got, want)
	}
	// Replies keep coming as fast as their budget allows, and bulk still gets its share.
	for i := range 20 {
		MustQueue(t, db, laneMsg(fmt.Sprintf("R%d", 10+i), fmt.Sprintf("62857000003%02d", i), ketanmu.LaneReply))
	}
	for range 4 {
		clock.Advance(time.Second)
		MustSendDue(t, o)
	}
	sent := sentIDs(tr.Sent())
	if !slices.Contains(sent, "B3") || !slices.Contains(sent, "B4") {
		t.Errorf("sent %v: bulk starved while replies were waiting", sent)
	}
}

// A revoke leaves in the first pass however long the queue before it, also behind a long
// queue in its own chat and with the operators' lane spent.
func TestOutboxRevokeOvertakes(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	cfg.Outbound.Lanes[string(ketanmu.LaneOperators)] = config.Budget{PerMinute: 30, Burst: 5}
	cfg.Outbound.Lanes[string(ketanmu.LaneNotification)] = config.Budget{PerMinute: 30, Burst: 1}
	tr := &sim.Transport{}
	o := newOutbox(t, db, tr, cfg, clock)
	for i := range 200 {
		MustQueue(t, db, laneMsg(fmt.Sprintf("CARD%d", i), group, ketanmu.LaneOperators))
	}
	for i := range 10 {
		MustQueue(t, db, laneMsg(fmt.Sprintf("N%d", i), resA, ketanmu.LaneNotification))
	}
	MustQueue(t, db, laneMsg("REVOKE", resA, ketanmu.LaneRevoke))
	MustSendDue(t, o)
	sent := sentIDs(tr.Sent())
	if len(sent) == 0 || sent[0] != "REVOKE" {
		t.Fatalf("first pass sent %v, want REVOKE first", sent)
	}
	if got, want := len(sent), 3; got != want {
		t.Errorf("first pass sent %d messages (%v), want %d: the revoke, the group's head and the chat's head", got, sent, want)
	}
}

// A reply queued behind a bulk message in its chat waits for it (order within the chat), but
// the bulk message then leaves on the reply lane's budget instead of the spent bulk lane's.
func TestOutboxChatOrderAcrossLanes(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	cfg.Outbound.Lanes[string(ketanmu.LaneBulk)] = config.Budget{PerMinute: 1, Burst: 1}
	tr := &sim.Transport{}
	o := newOutbox(t, db, tr, cfg, clock)
	MustQueue(t, db, laneMsg("B0", resB, ketanmu.LaneBulk)) // spends the bulk lane
	MustSendDue(t, o)
	MustQueue(t, db, laneMsg("B1", resA, ketanmu.LaneBulk), laneMsg("R1", resA, ketanmu.LaneReply))
	MustSendDue(t, o)
	MustSendDue(t, o)
	if got, want := sentIDs(tr.Sent()), []string{"B0", "B1", "R1"}; !slices.Equal(got, want) {
		t.Errorf("sent %v, want %v", got, want)
	}
}

// A reply waits reply_delay.min plus per_char for each character from the resident's message,
// and at least min after the chat's previous send; longer texts wait longer, up to max.
func TestOutboxReplyDelay(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	cfg.Outbound.ReplyDelay = config.ReplyDelay{Min: 500 * time.Millisecond, PerChar: 10 * time.Millisecond, Max: 2 * time.Second}
	tr := &sim.Transport{}
	o := newOutbox(t, db, tr, cfg, clock)
	short := ketanmu.Outbound{ID: "SHORT", Chat: resA, Text: strings.Repeat("a", 50), Lane: ketanmu.LaneReply} // 1s
	long := ketanmu.Outbound{ID: "LONG", Chat: resB, Text: strings.Repeat("b", 500), Lane: ketanmu.LaneReply}  // capped at 2s
	next := ketanmu.Outbound{ID: "NEXT", Chat: resA, Text: "c", Lane: ketanmu.LaneReply}                       // 510ms, but after SHORT
	MustQueue(t, db, short, long, next)
	steps := []struct {
		advance time.Duration
		want    []string
	}{
		{999 * time.Millisecond, nil},
		{time.Millisecond, []string{"SHORT"}},
		{499 * time.Millisecond, []string{"SHORT"}},
		{time.Millisecond, []string{"SHORT", "NEXT"}},
		{499 * time.Millisecond, []string{"SHORT", "NEXT"}},
		{time.Millisecond, []string{"SHORT", "NEXT", "LONG"}},
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		MustSendDue(t, o)
		if got := sentIDs(tr.Sent()); !slices.Equal(got, s.want) {
			t.Fatalf("step %d: sent %v, want %v", i, got, s.want)
		}
	}
}

// queueVia queues messages the way jobs do (Router.Send) and returns what was queued.
func queueVia(t *testing.T, r *bot.Router, msgs ...ketanmu.Outbound) []ketanmu.Outbound {
	t.Helper()
	queued, err := r.Send(context.Background(), func(*store.Tx) ([]ketanmu.Outbound, error) { return msgs, nil })
	if err != nil {
		t.Fatal(err)
	}
	return queued
}

// mustCase opens a case for chat straight in the store.
func mustCase(t *testing.T, db *store.DB, chat string) {
	t.Helper()
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		id, err := tx.Resident(chat, "")
		if err != nil {
			return err
		}
		_, err = tx.CreateCase(store.NewCase{Account: account, Chat: chat, ResidentID: id, Prefix: "KTP",
			Service: "kk_ktp", Day: "261125"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Nobody who never wrote to the number gets anything, whoever queues it; a resident silent for
// longer than the proactive window gets only news of their own case, on the proactive budget.
func TestProactiveRule(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	cfg.Outbound.Proactive.Budget = config.Budget{PerMinute: 2, Burst: 2}
	r := newRouter(db, cfg)
	tr := &sim.Transport{}
	o := newOutbox(t, db, tr, cfg, clock)

	// Five residents wrote a day and a half ago; four of them have a case.
	old := []string{resA, resB, resC, resD, "6285700000005"}
	for i, chat := range old {
		MustHandle(t, r, text(chat, fmt.Sprintf("OLD%d", i), "halo"))
		if i < 4 {
			mustCase(t, db, chat)
		}
	}
	for MustSendDue(t, o) > 0 {
	}
	before := len(tr.Sent())
	clock.Advance(36 * time.Hour)
	const recent = "6285700000009"
	MustHandle(t, r, text(recent, "NEW", "halo"))
	for MustSendDue(t, o) > 0 {
	}
	before2 := len(tr.Sent())

	var msgs []ketanmu.Outbound
	for i, chat := range append(old, recent, "6285799999999") {
		msgs = append(msgs, ketanmu.Outbound{Account: account, Chat: chat, Text: fmt.Sprintf("pengingat %d", i)})
	}
	queued := queueVia(t, r, msgs...)
	var chats []string
	for _, m := range queued {
		chats = append(chats, m.Chat)
		if got, want := m.Proactive, m.Chat != recent; got != want {
			t.Errorf("message to %s proactive = %v, want %v", m.Chat, got, want)
		}
		if m.Lane != ketanmu.LaneBulk {
			t.Errorf("job message to %s in lane %q, want bulk", m.Chat, m.Lane)
		}
	}
	if want := []string{resA, resB, resC, resD, recent}; !slices.Equal(chats, want) {
		t.Fatalf("queued to %v, want %v (not to a resident without a case, nor to one who never wrote)", chats, want)
	}
	if got := MustCount(t, db, `SELECT COUNT(*) FROM outbox WHERE chat IN ('6285700000005', '6285799999999') AND text LIKE 'pengingat%'`); got != 0 {
		t.Errorf("%d outbox rows for chats that may not be written to, want 0", got)
	}

	MustSendDue(t, o)
	if got, want := len(tr.Sent())-before2, 3; got != want {
		t.Fatalf("first pass sent %d, want %d: the recent resident and the proactive burst of 2", got, want)
	}
	clock.Advance(29 * time.Second)
	if got := MustSendDue(t, o); got != 0 {
		t.Errorf("pass within the proactive budget's 30s tried %d, want 0", got)
	}
	clock.Advance(time.Second)
	MustSendDue(t, o)
	if got, want := len(tr.Sent())-before2, 4; got != want {
		t.Errorf("30s later %d sent, want %d", got, want)
	}
	if before == 0 {
		t.Errorf("the residents' own conversation was not answered")
	}
}

// An operator's reply through the cases API or a job cannot reach a number that never wrote;
// the router's own answers to a first message do.
func TestNothingToNumbersThatNeverWrote(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	r := newRouter(db, cfg)
	tr := &sim.Transport{}
	o := newOutbox(t, db, tr, cfg, clock)
	const stranger = "6285711111111"
	mustCase(t, db, stranger) // a case typed in by staff for a number that never wrote
	tester := casework.Actor{Name: "tester", Roles: []ketanmu.Role{ketanmu.RoleSupervisor}}
	if _, err := r.Cases().Do(context.Background(), tester, "KTP-261125-0001", casework.Action{Kind: casework.Take}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Cases().Do(context.Background(), tester, "KTP-261125-0001", casework.Action{Kind: casework.Reply, Text: "Halo Bapak/Ibu"}); err != nil {
		t.Fatal(err)
	}
	queueVia(t, r, ketanmu.Outbound{Account: account, Chat: stranger, Text: "pengingat"})
	for MustSendDue(t, o) > 0 {
	}
	for _, m := range tr.Sent() {
		if m.Chat == stranger {
			t.Errorf("sent %q to a number that never wrote", m.Text)
		}
	}
	res := MustHandle(t, r, text("6285722222222", "FIRST", "halo"))
	if len(res.Replies) == 0 || res.Replies[0].Lane != ketanmu.LaneReply {
		t.Fatalf("first message answered with %+v, want replies in the reply lane", res.Replies)
	}
}

// backlogSpy records OnBacklog calls.
type backlogSpy struct {
	mu    sync.Mutex
	lanes []ketanmu.Lane
}

func (b *backlogSpy) call(_ context.Context, _ string, lane ketanmu.Lane, _ int, _ time.Duration) {
	b.mu.Lock()
	b.lanes = append(b.lanes, lane)
	b.mu.Unlock()
}

func (b *backlogSpy) got() []ketanmu.Lane {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.lanes)
}

// A lane whose oldest message waited longer than alert_after is reported once, and again only
// after it recovered.
func TestOutboxBacklogAlert(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	cfg.Outbound.AlertAfter = 2 * time.Minute
	cfg.Outbound.Lanes[string(ketanmu.LaneBulk)] = config.Budget{PerMinute: 0.1, Burst: 1}
	tr := &sim.Transport{}
	spy := &backlogSpy{}
	o := newOutbox(t, db, tr, cfg, clock, func(d *outbox.Deps) { d.OnBacklog = spy.call })
	MustQueue(t, db, laneMsg("B0", resA, ketanmu.LaneBulk), laneMsg("B1", resB, ketanmu.LaneBulk))
	MustSendDue(t, o)
	clock.Advance(2*time.Minute + time.Second)
	MustSendDue(t, o)
	clock.Advance(time.Minute)
	MustSendDue(t, o)
	if got, want := spy.got(), []ketanmu.Lane{ketanmu.LaneBulk}; !slices.Equal(got, want) {
		t.Fatalf("alerts %v, want %v (once)", got, want)
	}
	again := &backlogSpy{}
	restarted := newOutbox(t, db, tr, cfg, clock, func(d *outbox.Deps) { d.OnBacklog = again.call })
	MustSendDue(t, restarted)
	if got := again.got(); len(got) != 0 {
		t.Fatalf("after a restart alerts %v, want none (already told)", got)
	}
	clock.Advance(10 * time.Minute) // B1 leaves; the lane is empty
	MustSendDue(t, o)
	MustSendDue(t, o)
	MustQueue(t, db, laneMsg("B2", resC, ketanmu.LaneBulk), laneMsg("B3", resD, ketanmu.LaneBulk))
	for range 3 {
		clock.Advance(2 * time.Minute)
		MustSendDue(t, o)
	}
	if got, want := spy.got(), []ketanmu.Lane{ketanmu.LaneBulk, ketanmu.LaneBulk}; !slices.Equal(got, want) {
		t.Errorf("alerts %v, want %v (again after recovering)", got, want)
	}
}

// When the operators' lane is long, the new-case cards waiting for the group go as one message;
// the other messages keep their place.
func TestOutboxCombinesCards(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	cfg.Outbound.CombineAt = 10
	tr := &sim.Transport{}
	o := newOutbox(t, db, tr, cfg, clock)
	mustCase(t, db, resA)
	for i := range 12 {
		id := fmt.Sprintf("G%02d", i)
		MustQueue(t, db, ketanmu.Outbound{ID: id, Chat: group, Text: "pesan " + id, Lane: ketanmu.LaneOperators})
		if i%3 == 0 {
			err := db.Update(context.Background(), func(tx *store.Tx) error { return tx.RecordCard(account, id, 1) })
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for MustSendDue(t, o) > 0 {
	}
	sent := tr.Sent()
	if got, want := sentIDs(sent), []string{"G00", "G01", "G02", "G04", "G05", "G07", "G08", "G10", "G11"}; !slices.Equal(got, want) {
		t.Fatalf("sent %v, want %v (cards G03, G06, G09 folded into G00)", got, want)
	}
	if got, want := sent[0].Text, "pesan G00\n\npesan G03\n\npesan G06\n\npesan G09"; got != want {
		t.Errorf("combined card = %q, want %q", got, want)
	}
	if got := MustCount(t, db, `SELECT COUNT(*) FROM messages WHERE chat = ? AND direction = 'out'`, group); got != 9 {
		t.Errorf("%d messages in the group's transcript, want 9", got)
	}
}

// Below combine_cards_at every card goes on its own.
func TestOutboxKeepsCardsWhenShort(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	cfg.Outbound.CombineAt = 10
	tr := &sim.Transport{}
	o := newOutbox(t, db, tr, cfg, clock)
	mustCase(t, db, resA)
	for i := range 4 {
		id := fmt.Sprintf("G%02d", i)
		MustQueue(t, db, ketanmu.Outbound{ID: id, Chat: group, Text: "pesan " + id, Lane: ketanmu.LaneOperators})
		if err := db.Update(context.Background(), func(tx *store.Tx) error { return tx.RecordCard(account, id, 1) }); err != nil {
			t.Fatal(err)
		}
	}
	for MustSendDue(t, o) > 0 {
	}
	if got, want := len(tr.Sent()), 4; got != want {
		t.Errorf("sent %d messages, want %d", got, want)
	}
}

// A backed-up lane is told to the supervisors once, in their chats, ahead of the traffic it is
// about, even though supervisors never wrote to the number.
func TestBacklogToldToSupervisors(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	cfg.Outbound.AlertAfter = time.Minute
	cfg.Outbound.Lanes[string(ketanmu.LaneBulk)] = config.Budget{PerMinute: 0.01, Burst: 1}
	r := newRouter(db, cfg)
	tr := &sim.Transport{}
	o := newOutbox(t, db, tr, cfg, clock, func(d *outbox.Deps) { d.OnBacklog = r.TellBacklog })
	MustQueue(t, db, laneMsg("B0", resA, ketanmu.LaneBulk), laneMsg("B1", resB, ketanmu.LaneBulk))
	for range 5 {
		MustSendDue(t, o)
		clock.Advance(time.Minute)
	}
	var told []ketanmu.Outbound
	for _, m := range tr.Sent() {
		if m.Chat == "6281200000004" { // Bu Kadis, the example's supervisor
			told = append(told, m)
		}
	}
	if len(told) != 1 {
		t.Fatalf("supervisor got %d messages, want 1: %+v", len(told), tr.Sent())
	}
	if !strings.Contains(told[0].Text, "pengingat dan ringkasan") || !strings.Contains(told[0].Text, "Layanan KK/KTP-el") {
		t.Errorf("alert %q, want the lane's configured name and the number's name", told[0].Text)
	}
	if got := MustCount(t, db, `SELECT COUNT(*) FROM outbox WHERE chat = '6281200000004' AND lane = 'notification'`); got != 1 {
		t.Errorf("%d alert rows in the notification lane, want 1", got)
	}
}

// An outbox that starts with a lane already backed up, and never told, tells it.
func TestOutboxBacklogAlertAtStart(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	cfg.Outbound.AlertAfter = 2 * time.Minute
	MustQueue(t, db, laneMsg("B0", resA, ketanmu.LaneBulk))
	clock.Advance(5 * time.Minute) // e.g. the service was down
	spy := &backlogSpy{}
	o := newOutbox(t, db, &sim.Transport{}, cfg, clock, func(d *outbox.Deps) { d.OnBacklog = spy.call })
	MustSendDue(t, o)
	if got, want := spy.got(), []ketanmu.Lane{ketanmu.LaneBulk}; !slices.Equal(got, want) {
		t.Errorf("alerts %v, want %v", got, want)
	}
}
