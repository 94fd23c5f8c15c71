package whatsapp

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

func TestSameEventTwiceIsHandledOnce(t *testing.T) {
	e := newEnv(t)
	ev := dm("D1", residentPN, types.EmptyJID, text("halo"))
	for i := range 2 {
		if !e.acc.handleMessage(ev) {
			t.Fatalf("delivery %d not acknowledged", i+1)
		}
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages WHERE wa_id = 'D1'`); n != 1 {
		t.Errorf("stored %d times, want once", n)
	}
	replies := e.count(t, `SELECT COUNT(*) FROM outbox`)
	if replies == 0 {
		t.Fatal("no reply queued")
	}
	if !e.acc.handleMessage(ev) {
		t.Fatal("third delivery not acknowledged")
	}
	if n := e.count(t, `SELECT COUNT(*) FROM outbox`); n != replies {
		t.Errorf("outbox grew from %d to %d on a duplicate", replies, n)
	}
}

func TestSameFileTwiceIsHandledOnce(t *testing.T) {
	e := newEnv(t)
	data := []byte("\xff\xd8 a photo of a KK")
	e.dl.files = map[string][]byte{"/v/kk": data}
	ev := dm("F1", residentPN, types.EmptyJID, imageMsg("KK", data, "/v/kk"))
	for i := range 2 {
		if !e.acc.handleMessage(ev) {
			t.Fatalf("delivery %d not acknowledged", i+1)
		}
	}
	if n := e.tr.count(t, `SELECT COUNT(*) FROM ketanmu_inbox`); n != 1 {
		t.Fatalf("inbox rows = %d, want 1", n)
	}
	// A text right behind the photo waits for it: the router sees the chat in order.
	if !e.acc.handleMessage(dm("F2", residentPN, types.EmptyJID, text("sudah"))) {
		t.Fatal("text not acknowledged")
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages WHERE direction = 'in'`); n != 0 {
		t.Fatalf("router saw %d messages before the photo was downloaded", n)
	}
	if _, err := e.tr.drainInbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tr.drainInbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	rows, err := e.db.Transcript(context.Background(), accKey, resident)
	if err != nil {
		t.Fatal(err)
	}
	var in []string
	for _, m := range rows {
		if m.Direction == "in" {
			in = append(in, m.ID+":"+m.Kind)
		}
	}
	if len(in) != 2 || in[0] != "F1:image" || in[1] != "F2:text" {
		t.Errorf("inbound transcript = %v, want [F1:image F2:text]", in)
	}
	if n := e.tr.count(t, `SELECT COUNT(*) FROM ketanmu_inbox`); n != 0 {
		t.Errorf("inbox rows left = %d", n)
	}
	if !e.acc.handleMessage(ev) || e.tr.count(t, `SELECT COUNT(*) FROM ketanmu_inbox`) != 1 {
		t.Fatal("late redelivery not queued")
	}
	if _, err := e.tr.drainInbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages WHERE wa_id = 'F1'`); n != 1 {
		t.Errorf("photo stored %d times, want once", n)
	}
}

type routerFunc func(ctx context.Context, in ketanmu.Inbound) (bot.Result, error)

func (f routerFunc) Handle(ctx context.Context, in ketanmu.Inbound) (bot.Result, error) {
	return f(ctx, in)
}

func TestPersistenceFailureIsNotAcknowledged(t *testing.T) {
	e := newEnv(t)
	e.tr.router = routerFunc(func(context.Context, ketanmu.Inbound) (bot.Result, error) {
		return bot.Result{}, errors.New("disk I/O error")
	})
	if e.acc.handleMessage(dm("P1", residentPN, types.EmptyJID, text("halo"))) {
		t.Error("text acknowledged although the router failed")
	}
	// Invalid input the router refuses for good is acknowledged: redelivery would not help.
	e.tr.router = routerFunc(func(context.Context, ketanmu.Inbound) (bot.Result, error) {
		return bot.Result{}, ketanmu.Errorf(ketanmu.EINVALID, "message needs an id and a chat")
	})
	if !e.acc.handleMessage(dm("P3", residentPN, types.EmptyJID, text("halo"))) {
		t.Error("refused message left unacknowledged")
	}
	// A file goes to the inbox first; when that fails, it is not acknowledged either.
	if _, err := e.tr.sqlDB.Exec(`DROP TABLE ketanmu_inbox`); err != nil {
		t.Fatal(err)
	}
	if e.acc.handleMessage(dm("P2", residentPN, types.EmptyJID, imageMsg("KK", []byte("x"), "/v/x"))) {
		t.Error("photo acknowledged although the inbox failed")
	}
}

func TestOwnSendsAndOldMessagesAreNotAnswered(t *testing.T) {
	e := newEnv(t)
	id := ketanmu.NewMessageID()
	mustQueue(t, e, ketanmu.Outbound{ID: id, Account: accKey, Chat: resident, Text: "Selamat datang"})
	if !e.acc.handleMessage(fromPhone(id, residentPN, types.EmptyJID, text("Selamat datang"))) {
		t.Fatal("own send not acknowledged")
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages WHERE direction = 'in'`); n != 0 {
		t.Errorf("own send re-entered as %d inbound messages", n)
	}
	old := dm("O1", residentPN, types.EmptyJID, text("halo"))
	old.Info.Timestamp = e.clock.Now().Add(-e.cfg.WhatsApp.OfflineMaxAge - time.Minute)
	if !e.acc.handleMessage(old) {
		t.Fatal("old message not acknowledged")
	}
	if n := e.count(t, `SELECT COUNT(*) FROM messages WHERE wa_id = 'O1'`); n != 0 {
		t.Error("message older than offline_max_age was handed to the router")
	}
}

func TestExpiredFileIsRecoveredOrAnsweredPolitely(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.dl.err = whatsmeow.ErrMediaDownloadFailedWith410
	if !e.acc.handleMessage(dm("X1", residentPN, types.EmptyJID, imageMsg("KK", []byte("photo"), "/v/old"))) {
		t.Fatal("not acknowledged")
	}
	for range e.cfg.WhatsApp.MediaRetries + 1 {
		if _, err := e.tr.drainInbox(ctx); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour)
	}
	var kind, unsupported string
	if err := e.db.SQL().QueryRow(`SELECT kind, unsupported FROM messages WHERE wa_id = 'X1'`).Scan(&kind, &unsupported); err != nil {
		t.Fatalf("message never reached the router: %v", err)
	}
	if kind != string(ketanmu.KindUnsupported) || unsupported != bot.UnsupportedDownloadFailed {
		t.Errorf("message = %s/%s, want unsupported/%s", kind, unsupported, bot.UnsupportedDownloadFailed)
	}
}

func TestFileWithWrongHashIsNotStored(t *testing.T) {
	e := newEnv(t)
	e.dl.files = map[string][]byte{"/v/kk": []byte("tampered")}
	if !e.acc.handleMessage(dm("H1", residentPN, types.EmptyJID, imageMsg("KK", []byte("original"), "/v/kk"))) {
		t.Fatal("not acknowledged")
	}
	if _, err := e.tr.drainInbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM media`); n != 0 {
		t.Errorf("media rows = %d: a file that fails its sha256 was stored", n)
	}
}

// count runs a SELECT COUNT(*) on the transport's own tables.
func (t *Transport) count(tb testing.TB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := t.sqlDB.QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}
