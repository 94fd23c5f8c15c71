package outbox_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/outbox"
	"github.com/ketanmu/ketanmu/store"
)

// MustSendDue runs one outbox pass and returns how many messages it tried.
func MustSendDue(tb testing.TB, o *outbox.Outbox) int {
	tb.Helper()
	n, err := o.SendDue(context.Background(), account)
	if err != nil {
		tb.Fatalf("SendDue: %v", err)
	}
	return n
}

// MustStatus returns a queued message's status and attempts.
func MustStatus(tb testing.TB, db *store.DB, id string) (string, int) {
	tb.Helper()
	status, attempts, err := db.OutboxStatus(context.Background(), account, id)
	if err != nil {
		tb.Fatalf("OutboxStatus(%s): %v", id, err)
	}
	return status, attempts
}

// failing makes the first n tries of the message id fail and records the ID of every try.
type failing struct {
	mu    sync.Mutex
	id    string
	n     int
	err   error
	tries []string
}

func (f *failing) Fail(msg ketanmu.Outbound) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if msg.ID != f.id {
		return nil
	}
	f.tries = append(f.tries, msg.ID)
	if len(f.tries) <= f.n {
		return f.err
	}
	return nil
}

func (f *failing) Tries() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.tries)
}

func TestOutboxRetry(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	const chatA, chatB = "6281200000001", "6281200000002"
	f := &failing{id: "A1", n: 2, err: errors.New("connection reset")}
	tr := &sim.Transport{Fail: f.Fail}
	o := newOutbox(t, db, tr, cfg)
	MustQueue(t, db,
		ketanmu.Outbound{ID: "A1", Chat: chatA, Text: "first"},
		ketanmu.Outbound{ID: "A2", Chat: chatA, Text: "second"},
		ketanmu.Outbound{ID: "B1", Chat: chatB, Text: "other chat"},
	)

	// Pass 1: A1 fails, B1 is not blocked by it, A2 waits.
	MustSendDue(t, o)
	if got, want := sentIDs(tr.Sent()), []string{"B1"}; !slices.Equal(got, want) {
		t.Fatalf("after pass 1 sent %v, want %v", got, want)
	}
	if status, attempts := MustStatus(t, db, "A1"); status != "pending" || attempts != 1 {
		t.Errorf("A1 after one failure = %s, %d attempts; want pending, 1", status, attempts)
	}

	// Nothing is due until the backoff has passed.
	if got := MustSendDue(t, o); got != 0 {
		t.Errorf("pass before the backoff tried %d messages, want 0", got)
	}
	clock.Advance(cfg.Outbound.RetryMin - time.Millisecond)
	if got := MustSendDue(t, o); got != 0 {
		t.Errorf("pass 1ms before the backoff tried %d messages, want 0", got)
	}

	// Pass 2: A1 fails again; pass 3: it goes through.
	clock.Advance(time.Millisecond)
	MustSendDue(t, o)
	if got := sentIDs(tr.Sent()); slices.Contains(got, "A2") || slices.Contains(got, "A1") {
		t.Fatalf("after pass 2 sent %v, want neither A1 nor A2", got)
	}
	clock.Advance(2 * cfg.Outbound.RetryMin)
	MustSendDue(t, o)
	if got, want := sentIDs(tr.Sent()), []string{"B1", "A1"}; !slices.Equal(got, want) {
		t.Fatalf("after pass 3 sent %v, want %v (A2 still behind A1)", got, want)
	}

	// Pass 4: A2, now the head of its chat.
	MustSendDue(t, o)
	if got, want := sentIDs(tr.Sent()), []string{"B1", "A1", "A2"}; !slices.Equal(got, want) {
		t.Errorf("after pass 4 sent %v, want %v", got, want)
	}
	if got, want := f.Tries(), []string{"A1", "A1", "A1"}; !slices.Equal(got, want) {
		t.Errorf("IDs tried = %v, want %v (the same ID on every try)", got, want)
	}
	if status, attempts := MustStatus(t, db, "A1"); status != "sent" || attempts != 3 {
		t.Errorf("A1 = %s, %d attempts; want sent, 3", status, attempts)
	}
	if got := MustSendDue(t, o); got != 0 {
		t.Errorf("pass after everything was sent tried %d messages, want 0", got)
	}
	if got, want := len(tr.Sent()), 3; got != want {
		t.Errorf("%d deliveries, want %d (each message once)", got, want)
	}
}

func TestOutboxGivesUp(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	cfg.Outbound.MaxAttempts = 2
	f := &failing{id: "A1", n: 100, err: errors.New("timeout")}
	tr := &sim.Transport{Fail: f.Fail}
	o := newOutbox(t, db, tr, cfg)
	MustQueue(t, db,
		ketanmu.Outbound{ID: "A1", Chat: "6281200000001", Text: "first"},
		ketanmu.Outbound{ID: "A2", Chat: "6281200000001", Text: "second"},
	)
	MustSendDue(t, o)
	clock.Advance(cfg.Outbound.RetryMax)
	MustSendDue(t, o)
	if status, attempts := MustStatus(t, db, "A1"); status != "failed" || attempts != 2 {
		t.Errorf("A1 = %s, %d attempts; want failed, 2", status, attempts)
	}
	MustSendDue(t, o)
	if got, want := sentIDs(tr.Sent()), []string{"A2"}; !slices.Equal(got, want) {
		t.Errorf("sent %v, want %v (the chat moves on)", got, want)
	}
}

func TestOutboxPermanentError(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	f := &failing{id: "A1", n: 100, err: ketanmu.Errorf(ketanmu.EINVALID, "not a WhatsApp number")}
	tr := &sim.Transport{Fail: f.Fail}
	o := newOutbox(t, db, tr, cfg)
	MustQueue(t, db,
		ketanmu.Outbound{ID: "A1", Chat: "6281200000001", Text: "first"},
		ketanmu.Outbound{ID: "A2", Chat: "6281200000001", Text: "second"},
	)
	MustSendDue(t, o)
	if status, attempts := MustStatus(t, db, "A1"); status != "failed" || attempts != 1 {
		t.Errorf("A1 = %s, %d attempts; want failed, 1", status, attempts)
	}
	MustSendDue(t, o) // same instant: no backoff for the next message
	if got, want := sentIDs(tr.Sent()), []string{"A2"}; !slices.Equal(got, want) {
		t.Errorf("sent %v, want %v", got, want)
	}
	if got, want := len(f.Tries()), 1; got != want {
		t.Errorf("A1 tried %d times, want %d", got, want)
	}
}

func TestOutboxPaused(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	until := clock.Now().Add(time.Hour)
	f := &failing{id: "A1", n: 1, err: &outbox.PausedError{Until: until}}
	tr := &sim.Transport{Fail: f.Fail}
	o := newOutbox(t, db, tr, cfg)
	MustQueue(t, db, ketanmu.Outbound{ID: "A1", Chat: "6281200000001", Text: "first"})

	MustSendDue(t, o)
	if status, attempts := MustStatus(t, db, "A1"); status != "pending" || attempts != 0 {
		t.Errorf("A1 after a pause = %s, %d attempts; want pending, 0 (a pause is not a try)", status, attempts)
	}
	next, ok, err := db.NextOutboxAttempt(context.Background(), account)
	if err != nil || !ok || !next.Equal(until) {
		t.Errorf("next attempt = %v, %v, %v; want %v", next, ok, err, until)
	}
	clock.Advance(time.Hour - time.Millisecond)
	if got := MustSendDue(t, o); got != 0 {
		t.Errorf("pass during the pause tried %d messages, want 0", got)
	}
	clock.Advance(time.Millisecond)
	MustSendDue(t, o)
	if got, want := sentIDs(tr.Sent()), []string{"A1"}; !slices.Equal(got, want) {
		t.Errorf("sent %v, want %v", got, want)
	}
	if status, attempts := MustStatus(t, db, "A1"); status != "sent" || attempts != 1 {
		t.Errorf("A1 = %s, %d attempts; want sent, 1", status, attempts)
	}
}

func TestOutboxRestart(t *testing.T) {
	clock := NewClock()
	cfg := MustConfig(t)
	path := filepath.Join(t.TempDir(), "ketanmu.db")
	const chat = "6281200000001"

	db := MustOpen(t, path, clock)
	res := MustHandle(t, newRouter(t, db, cfg), text(chat, "M1", "halo"))
	if len(res.Replies) == 0 {
		t.Fatalf("no replies queued")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = MustOpen(t, path, clock)
	tr := &sim.Transport{}
	o := newOutbox(t, db, tr, cfg)
	for range len(res.Replies) { // one message per chat per pass
		MustSendDue(t, o)
	}
	var want []string
	for _, m := range res.Replies {
		want = append(want, m.ID)
	}
	if got := sentIDs(tr.Sent()); !slices.Equal(got, want) {
		t.Errorf("sent after restart %v, want %v", got, want)
	}
	for _, m := range tr.Sent() {
		if m.Chat != chat || m.Account != account || m.Text == "" {
			t.Errorf("delivered %+v, want a text to %s on %s", m, chat, account)
		}
	}
}

func TestOutboxRunSendsLeftRows(t *testing.T) {
	// Rows queued before the worker starts are sent by Run, the worker `ketanmu sim` and `serve` start.
	clock := NewClock()
	cfg := MustConfig(t)
	db := MustOpenTemp(t, clock)
	MustQueue(t, db, ketanmu.Outbound{ID: "A1", Chat: "6281200000001", Text: "left from before"})
	delivered := make(chan string, 1)
	tr := &sim.Transport{Fail: func(m ketanmu.Outbound) error { delivered <- m.ID; return nil }}
	o := newOutbox(t, db, tr, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { o.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	select {
	case got := <-delivered:
		if got != "A1" {
			t.Errorf("Run delivered %s, want A1", got)
		}
	case <-time.After(30 * time.Second): // a guard against hanging, not a timing assertion
		t.Fatalf("Run delivered nothing")
	}
}

// TestOutboxUnreadableFile: a queued photo whose file can no longer be read (erased at the end
// of its retention) is given up at once; the chat and the account keep sending.
func TestOutboxUnreadableFile(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	tr := &sim.Transport{}
	o := newOutbox(t, db, tr, cfg)
	MustQueue(t, db,
		ketanmu.Outbound{ID: "P1", Chat: "6281200000001", Text: "photo",
			Media: &ketanmu.Media{Mime: "image/jpeg", Filename: "kk.jpg", Data: []byte("jpeg bytes")}},
		ketanmu.Outbound{ID: "P2", Chat: "6281200000001", Text: "after the photo"},
	)
	if _, err := db.SQL().Exec(`UPDATE media SET data = x''`); err != nil {
		t.Fatal(err)
	}
	MustSendDue(t, o)
	if status, _ := MustStatus(t, db, "P1"); status != "failed" {
		t.Errorf("P1 = %s, want failed", status)
	}
	MustSendDue(t, o)
	if got, want := sentIDs(tr.Sent()), []string{"P2"}; !slices.Equal(got, want) {
		t.Errorf("sent %v, want %v", got, want)
	}
}
