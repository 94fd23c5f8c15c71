package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/store"
)

// greeting is a fragment of the example config's greeting text.
const greeting = "Selamat datang"

func TestRouterDuplicate(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	const chat = "6281200000001"
	core := wire(db, MustConfig(t), &sim.Transport{})
	r := core.Router

	first := MustHandle(t, r, text(chat, "M1", "halo"))
	if first.Duplicate || len(first.Replies) == 0 {
		t.Fatalf("first delivery = duplicate %v, %d replies; want false and replies", first.Duplicate, len(first.Replies))
	}
	if !core.Wake.Woken(account) {
		t.Errorf("outbox not woken after the first delivery")
	}
	second := MustHandle(t, r, text(chat, "M1", "halo"))
	if !second.Duplicate {
		t.Errorf("second delivery Duplicate = false, want true")
	}
	if got := len(second.Replies); got != 0 {
		t.Errorf("second delivery has %d replies, want 0", got)
	}
	if got, want := MustCount(t, db, `SELECT COUNT(*) FROM outbox WHERE chat = ?`, chat), len(first.Replies); got != want {
		t.Errorf("outbox rows = %d, want %d (the first delivery's replies only)", got, want)
	}
	if got, want := MustCount(t, db, `SELECT COUNT(*) FROM messages WHERE direction = 'in'`), 1; got != want {
		t.Errorf("inbound messages = %d, want %d", got, want)
	}
	if core.Wake.Woken(account) {
		t.Errorf("outbox woken again by the duplicate")
	}
}

func TestRouterSerialisesChat(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	r := newRouter(db, MustConfig(t))
	chats := []string{"6281200000001", "6281200000002", "6281200000003", "6281200000004"}

	type outcome struct {
		in  string
		out []string
		hi  bool // the reply greets
	}
	results := make(map[string][]outcome)
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, chat := range chats {
		for i := range 2 {
			id := fmt.Sprintf("%s-%d", chat, i)
			wg.Go(func() {
				<-start
				res, err := r.Handle(context.Background(), text(chat, id, "halo"))
				if err != nil {
					t.Errorf("Handle(%s): %v", id, err)
					return
				}
				o := outcome{in: id}
				for _, m := range res.Replies {
					o.out = append(o.out, m.ID)
					o.hi = o.hi || strings.Contains(m.Text, greeting)
				}
				mu.Lock()
				results[chat] = append(results[chat], o)
				mu.Unlock()
			})
		}
	}
	close(start)
	wg.Wait()

	for _, chat := range chats {
		got := results[chat]
		if len(got) != 2 {
			t.Fatalf("chat %s: %d results, want 2", chat, len(got))
		}
		if got[0].hi == got[1].hi {
			t.Errorf("chat %s: greeted %v and %v, want exactly one greeting (the state of the first was kept)", chat, got[0].hi, got[1].hi)
			continue
		}
		first, second := got[0], got[1]
		if second.hi {
			first, second = second, first
		}
		if len(first.out) == 0 || len(second.out) == 0 {
			t.Errorf("chat %s: replies %v and %v, want each message answered", chat, first.out, second.out)
		}
		want := append(append(append([]string{first.in}, first.out...), second.in), second.out...)
		msgs, err := db.Transcript(context.Background(), account, chat)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range msgs {
			ids = append(ids, m.ID)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("chat %s: transcript %v, want %v (each message, then its replies)", chat, ids, want)
		}
	}
}

func TestRouterAtomic(t *testing.T) {
	clock := NewClock()
	cfg := MustConfig(t)
	db := testfix.DB(t, cfg, clock.Now)
	n := 0
	newID := func(string) string { n++; return fmt.Sprintf("OUT-%d", n) }
	r := wire(db, cfg, idTransport{&sim.Transport{}, func(acc string) string { return newID(acc) }}).Router
	MustHandle(t, r, text("6281200000001", "M1", "halo"))

	// Every reply of the next message gets an ID already in the outbox: queueing fails on
	// UNIQUE after the inbound message was recorded.
	newID = func(string) string { return "OUT-1" }
	const chat = "6281200000002"
	in := text(chat, "M2", "halo")
	in.Media = nil
	if _, err := r.Handle(context.Background(), in); err == nil {
		t.Fatalf("Handle with a clashing reply ID succeeded, want an error")
	}
	for _, q := range []string{
		`SELECT COUNT(*) FROM messages WHERE chat = ?`,
		`SELECT COUNT(*) FROM outbox WHERE chat = ?`,
		`SELECT COUNT(*) FROM conversations WHERE chat = ?`,
	} {
		if got := MustCount(t, db, q, chat); got != 0 {
			t.Errorf("%s = %d after a failed step, want 0", q, got)
		}
	}
	if got, want := MustCount(t, db, `SELECT COUNT(*) FROM residents`), 1; got != want {
		t.Errorf("residents = %d after a failed step, want %d", got, want)
	}

	t.Run("redelivery is handled normally", func(t *testing.T) {
		newID = func(string) string { return ketanmu.NewMessageID() }
		res := MustHandle(t, r, in)
		if res.Duplicate || len(res.Replies) == 0 {
			t.Fatalf("redelivery = duplicate %v, %d replies; want false and replies", res.Duplicate, len(res.Replies))
		}
		if !strings.Contains(res.Replies[0].Text, greeting) {
			t.Errorf("redelivery reply = %q, want the greeting", res.Replies[0].Text)
		}
		if got, want := MustCount(t, db, `SELECT COUNT(*) FROM outbox WHERE chat = ?`, chat), len(res.Replies); got != want {
			t.Errorf("outbox rows = %d, want %d", got, want)
		}
		if got, want := MustCount(t, db, `SELECT COUNT(*) FROM conversations WHERE chat = ?`, chat), 1; got != want {
			t.Errorf("conversations = %d, want %d", got, want)
		}
	})
}

func TestRouterStoreFailure(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	r := newRouter(db, MustConfig(t))
	db.Close()
	if _, err := r.Handle(context.Background(), text("6281200000001", "M1", "halo")); err == nil {
		t.Errorf("Handle on a closed database succeeded, want an error")
	}
}

func TestRouterInvalid(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	r := newRouter(db, MustConfig(t))
	for name, in := range map[string]ketanmu.Inbound{
		"unknown account": {Account: "nope", ID: "M1", Chat: "6281200000001", Kind: ketanmu.KindText, Text: "halo"},
		"no id":           {Account: account, Chat: "6281200000001", Kind: ketanmu.KindText, Text: "halo"},
		"no chat":         {Account: account, ID: "M1", Kind: ketanmu.KindText, Text: "halo"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := r.Handle(context.Background(), in)
			if got, want := ketanmu.ErrorCode(err), ketanmu.EINVALID; got != want {
				t.Errorf("Handle error code = %q (%v), want %q", got, err, want)
			}
			if got := MustCount(t, db, `SELECT COUNT(*) FROM messages`); got != 0 {
				t.Errorf("messages = %d, want 0", got)
			}
		})
	}
}

func TestRouterRecordsWithoutReply(t *testing.T) {
	const chat = "6281200000001"
	for name, in := range map[string]ketanmu.Inbound{
		"from_me":      {Account: account, ID: "OP1", Chat: chat, FromMe: true, Kind: ketanmu.KindText, Text: "saya bantu, Bu"},
		"group member": {Account: account, ID: "G1", Chat: group, Sender: "6281299999999", Kind: ketanmu.KindText, Text: "siap"},
		"group office": {Account: account, ID: "G2", Chat: group, FromMe: true, Kind: ketanmu.KindText, Text: "rapat jam 9"},
	} {
		t.Run(name, func(t *testing.T) {
			clock := NewClock()
			db := MustOpenTemp(t, clock)
			core := wire(db, MustConfig(t), &sim.Transport{})
			res := MustHandle(t, core.Router, in)
			if core.Wake.Woken(account) {
				t.Errorf("outbox woken for a message that needs no reply")
			}
			if res.Duplicate || len(res.Replies) != 0 {
				t.Errorf("Handle = duplicate %v, %d replies; want false, 0", res.Duplicate, len(res.Replies))
			}
			msgs, err := db.Transcript(context.Background(), account, in.Chat)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != 1 || msgs[0].ID != in.ID || msgs[0].FromMe != in.FromMe || msgs[0].Sender != in.Sender {
				t.Errorf("transcript = %+v, want the one message %s (from_me %v, sender %q)", msgs, in.ID, in.FromMe, in.Sender)
			}
			if got := MustCount(t, db, `SELECT COUNT(*) FROM outbox`); got != 0 {
				t.Errorf("outbox rows = %d, want 0", got)
			}
			if got := MustCount(t, db, `SELECT COUNT(*) FROM residents`); got != 0 {
				t.Errorf("residents = %d, want 0 (the office and groups are not residents)", got)
			}
		})
	}
}

func TestRouterLIDResident(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	r := newRouter(db, MustConfig(t))
	const lid, phone = "987654321@lid", "6281200000001"

	MustHandle(t, r, text(lid, "M1", "halo"))
	in := text(phone, "M2", "halo")
	in.LID = lid
	MustHandle(t, r, in)
	MustHandle(t, r, text("6281200000002", "M3", "halo"))

	resident := func(chat string) int64 {
		var c store.Conversation
		err := db.Update(context.Background(), func(tx *store.Tx) (err error) {
			c, err = tx.Conversation(account, chat)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return c.ResidentID
	}
	if a, b := resident(lid), resident(phone); a == 0 || a != b {
		t.Errorf("resident of the LID chat = %d, of the phone chat = %d; want the same one", a, b)
	}
	if a, b := resident(phone), resident("6281200000002"); a == b {
		t.Errorf("two phones share resident %d", a)
	}
}

// idTransport is a transport with its own generator of outbound message IDs.
type idTransport struct {
	*sim.Transport
	newID func(account string) string
}

func (t idTransport) NewID(account string) string { return t.newID(account) }
