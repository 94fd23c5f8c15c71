package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waWeb"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

// Tests that feed whatsmeow's own code paths (cli.DangerousInternals()) instead of hand-made
// events: whatsmeow parses the stanzas, dispatches the events and decides about the
// acknowledgement from what our handler answers.

// capture is a slog handler that keeps every message, for asserting what whatsmeow and the
// transport logged.
type capture struct {
	mu   sync.Mutex
	msgs []string
	hook func(msg string)
}

// onLog has fn see every later message at the moment it is logged.
func (c *capture) onLog(fn func(msg string)) {
	c.mu.Lock()
	c.hook = fn
	c.mu.Unlock()
}

func (c *capture) Enabled(context.Context, slog.Level) bool { return true }
func (c *capture) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	c.msgs = append(c.msgs, r.Message)
	hook := c.hook
	c.mu.Unlock()
	if hook != nil {
		hook(r.Message)
	}
	return nil
}
func (c *capture) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *capture) WithGroup(string) slog.Handler      { return c }

func (c *capture) has(sub string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.msgs {
		if strings.Contains(m, sub) {
			return true
		}
	}
	return false
}

// wired gives the env's account a real whatsmeow client (never connected: connecting is a
// stand-in that counts) with a capturing log.
type wired struct {
	*env
	cli   *whatsmeow.Client
	log   *capture
	dials atomic.Int32
}

func newWired(t *testing.T) *wired {
	t.Helper()
	w := &wired{env: newEnv(t), log: &capture{}}
	lg := slog.New(w.log)
	w.tr.log = lg
	w.tr.waLog = newWALogger(lg, "whatsmeow", "debug")
	w.tr.connectClient = func(*whatsmeow.Client) error { w.dials.Add(1); return nil }
	w.acc.state.log = lg
	w.cli = w.acc.newClient(w.acc.dev)
	w.acc.cli = w.cli
	return w
}

func (w *wired) internals() *whatsmeow.DangerousInternalClient { return w.cli.DangerousInternals() }

// waitState waits for whatsmeow's asynchronously dispatched event to reach the account.
func (w *wired) waitState(t *testing.T, want bot.ConnState, detail string) status {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		st := w.acc.state.get()
		if st.State == want && strings.Contains(st.Detail, detail) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("state = %s (%q), want %s containing %q", st.State, st.Detail, want, detail)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func residentInfo(id string, at time.Time) *types.MessageInfo {
	return &types.MessageInfo{ID: id, Timestamp: at, MessageSource: types.MessageSource{
		Chat: residentPN, Sender: types.NewADJID(resident, 0, 3)}}
}

// HandleDecryptedMessage returns whatsmeow's "handler failed" verdict: true means no
// acknowledgement (and no receipt) is sent for the stanza.
func TestAckOnlyAfterCommit(t *testing.T) {
	w := newWired(t)
	ctx := context.Background()
	w.tr.router = routerFunc(func(context.Context, ketanmu.Inbound) (bot.Result, error) {
		return bot.Result{}, errors.New("database is locked")
	})
	if failed := w.internals().HandleDecryptedMessage(ctx, residentInfo("W1", epoch), text("halo"), 0); !failed {
		t.Error("message acknowledged although the router failed")
	}
	w.acc.mu.Lock()
	planned := w.acc.timer != nil
	w.acc.mu.Unlock()
	if !planned {
		t.Error("no reconnect planned to have the message delivered again")
	}

	w.tr.router = routerFunc(func(context.Context, ketanmu.Inbound) (bot.Result, error) { panic("nil map") })
	if failed := w.internals().HandleDecryptedMessage(ctx, residentInfo("W2", epoch), text("halo"), 0); !failed {
		t.Error("message acknowledged after the handler panicked")
	}
	if !w.log.has("panicked") {
		t.Error("panic not logged")
	}

	w.tr.router = w.router
	if failed := w.internals().HandleDecryptedMessage(ctx, residentInfo("W3", epoch), text("halo"), 0); failed {
		t.Error("stored message not acknowledged")
	}
	if n := w.count(t, `SELECT COUNT(*) FROM messages WHERE wa_id = 'W3'`); n != 1 {
		t.Errorf("acknowledged message stored %d times, want 1", n)
	}
}

// A message the office phone sends again on request is acknowledged by whatsmeow whatever
// the handler answers: it must be in the inbox before that.
func TestPhoneRecoveredMessageIsStoredBeforeTheAck(t *testing.T) {
	w := newWired(t)
	w.tr.router = routerFunc(func(context.Context, ketanmu.Inbound) (bot.Result, error) {
		return bot.Result{}, errors.New("database is locked")
	})
	web := &waWeb.WebMessageInfo{Key: &waCommon.MessageKey{RemoteJID: proto.String(residentPN.String()),
		FromMe: proto.Bool(false), ID: proto.String("PH1")}, MessageTimestamp: proto.Uint64(uint64(epoch.Unix())),
		Message: text("mau urus KTP")}
	blob, err := proto.Marshal(web)
	if err != nil {
		t.Fatal(err)
	}
	resp := &waE2E.PeerDataOperationRequestResponseMessage{
		PeerDataOperationRequestType: waE2E.PeerDataOperationRequestType_PLACEHOLDER_MESSAGE_RESEND.Enum(),
		StanzaID:                     proto.String("REQ1"),
		PeerDataOperationResult: []*waE2E.PeerDataOperationRequestResponseMessage_PeerDataOperationResult{{
			PlaceholderMessageResendResponse: &waE2E.PeerDataOperationRequestResponseMessage_PeerDataOperationResult_PlaceholderMessageResendResponse{
				WebMessageInfoBytes: blob}}}}
	w.internals().HandlePlaceholderResendResponse(resp)
	if n := w.tr.count(t, `SELECT COUNT(*) FROM ketanmu_inbox WHERE wa_id = 'PH1'`); n != 1 {
		t.Fatalf("phone-recovered message in the inbox %d times, want 1", n)
	}
	w.tr.router = w.router
	if _, err := w.tr.drainInbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := w.count(t, `SELECT COUNT(*) FROM messages WHERE wa_id = 'PH1'`); n != 1 {
		t.Errorf("phone-recovered message stored %d times, want 1", n)
	}
}

func failure(attrs waBinary.Attrs) *waBinary.Node {
	return &waBinary.Node{Tag: "failure", Attrs: attrs}
}

// keepVersion restores whatsmeow's process-wide version after a test changed it.
func keepVersion(t *testing.T) {
	orig := wastore.GetWAVersion()
	t.Cleanup(func() { setVersion(orig) })
}

// webWhatsApp serves a page with client_revision rev (or status), and counts requests.
func webWhatsApp(t *testing.T, status int, rev uint32) (*http.Client, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(status)
		fmt.Fprintf(w, `<script>{"client_revision":%d,"other":1}</script>`, rev)
	}))
	t.Cleanup(srv.Close)
	target, _ := url.Parse(srv.URL)
	client := &http.Client{Transport: rewrite{target}}
	return client, &hits
}

type rewrite struct{ to *url.URL }

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.to.Scheme, r.to.Host
	return http.DefaultTransport.RoundTrip(req)
}

func TestVersionOverrideIsWhatTheLoginPayloadCarries(t *testing.T) {
	keepVersion(t)
	w := newWired(t)
	k := versionKeeper{file: filepath.Join(t.TempDir(), versionFile), override: "2.3000.1099999999"}
	if err := k.load(discard); err != nil {
		t.Fatal(err)
	}
	av := w.acc.dev.GetClientPayload().GetUserAgent().GetAppVersion()
	if got := fmt.Sprintf("%d.%d.%d", av.GetPrimary(), av.GetSecondary(), av.GetTertiary()); got != "2.3000.1099999999" {
		t.Errorf("login payload carries %s, want the override 2.3000.1099999999", got)
	}
	if got := k.current(); got != "2.3000.1099999999 (config)" {
		t.Errorf("version in use = %q", got)
	}
}

func TestOutdatedClientLearnsTheCurrentVersion(t *testing.T) {
	keepVersion(t)
	w := newWired(t)
	builtIn := wastore.GetWAVersion()
	newer := builtIn[2] + 1000
	client, hits := webWhatsApp(t, http.StatusOK, newer)
	w.tr.version.HTTP = client
	w.internals().HandleConnectFailure(context.Background(), failure(waBinary.Attrs{"reason": "405"}))
	deadline := time.Now().Add(5 * time.Second)
	for w.dials.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if w.dials.Load() == 0 {
		t.Fatalf("no reconnect after learning the version; state %+v", w.acc.state.get())
	}
	want := fmt.Sprintf("2.3000.%d", newer)
	if got := wastore.GetWAVersion().String(); got != want {
		t.Errorf("version = %s, want %s", got, want)
	}
	av := w.acc.dev.GetClientPayload().GetUserAgent().GetAppVersion()
	if av.GetTertiary() != newer {
		t.Errorf("login payload carries %d, want %d", av.GetTertiary(), newer)
	}
	b, err := os.ReadFile(w.tr.version.file)
	if err != nil || strings.TrimSpace(string(b)) != want {
		t.Errorf("remembered %q (%v), want %s", b, err, want)
	}
	if !strings.Contains(w.tr.Version(accKey), "learnt") || hits.Load() != 1 {
		t.Errorf("Version = %q after %d look-ups", w.tr.Version(accKey), hits.Load())
	}
	// A restart starts with the learnt version.
	setVersion(builtIn)
	k := versionKeeper{file: w.tr.version.file}
	if err := k.load(discard); err != nil || wastore.GetWAVersion().String() != want {
		t.Errorf("after restart version = %s (%v), want %s", wastore.GetWAVersion(), err, want)
	}
}

func TestOutdatedClientWithoutLookupTellsWhatToDo(t *testing.T) {
	keepVersion(t)
	t.Run("lookup fails", func(t *testing.T) {
		w := newWired(t)
		client, _ := webWhatsApp(t, http.StatusServiceUnavailable, 0)
		w.tr.version.HTTP = client
		w.internals().HandleConnectFailure(context.Background(), failure(waBinary.Attrs{"reason": "405"}))
		w.waitState(t, bot.StateOutdated, "could not be looked up")
		if w.dials.Load() != 0 {
			t.Error("reconnected with the rejected version")
		}
	})
	t.Run("override wins", func(t *testing.T) {
		w := newWired(t)
		client, hits := webWhatsApp(t, http.StatusOK, wastore.GetWAVersion()[2]+5)
		w.tr.version.HTTP, w.tr.version.override = client, "2.3000.1"
		w.internals().HandleConnectFailure(context.Background(), failure(waBinary.Attrs{"reason": "405"}))
		w.waitState(t, bot.StateOutdated, "whatsapp.version")
		time.Sleep(50 * time.Millisecond)
		if hits.Load() != 0 {
			t.Errorf("looked the version up %d times although whatsapp.version is set", hits.Load())
		}
	})
}

func TestConnectionStatesFromWhatsmeow(t *testing.T) {
	ctx := context.Background()
	t.Run("banned", func(t *testing.T) {
		w := newWired(t)
		w.internals().HandleConnectFailure(ctx, failure(waBinary.Attrs{"reason": "402", "code": "101", "expire": "3600"}))
		st := w.waitState(t, bot.StateBanned, "")
		if want := epoch.Add(time.Hour); !st.Until.Equal(want) {
			t.Errorf("ban until %s, want %s", st.Until, want)
		}
	})
	t.Run("logged out", func(t *testing.T) {
		w := newWired(t)
		w.internals().HandleConnectFailure(ctx, failure(waBinary.Attrs{"reason": "401"}))
		w.waitState(t, bot.StateLoggedOut, "ketanmu pair --account "+accKey)
		if jid, _ := w.tr.db.device(ctx, accKey); jid != "" {
			t.Errorf("logged-out device still recorded: %s", jid)
		}
	})
	t.Run("replaced", func(t *testing.T) {
		w := newWired(t)
		w.internals().HandleStreamError(ctx, &waBinary.Node{Tag: "stream:error",
			Content: []waBinary.Node{{Tag: "conflict", Attrs: waBinary.Attrs{"type": "replaced"}}}})
		w.waitState(t, bot.StateReplaced, "")
	})
	t.Run("unknown failures back off", func(t *testing.T) {
		w := newWired(t)
		for _, want := range []string{"in 30s", "in 1m0s", "in 2m0s"} {
			w.internals().HandleConnectFailure(ctx, failure(waBinary.Attrs{"reason": "418"}))
			w.waitState(t, bot.StateDisconnected, want)
		}
		w.acc.mu.Lock()
		w.acc.failures = 20
		w.acc.mu.Unlock()
		w.internals().HandleConnectFailure(ctx, failure(waBinary.Attrs{"reason": "418"}))
		w.waitState(t, bot.StateDisconnected, "in 30m0s")
	})
}

// After downtime WhatsApp replays the backlog in order: the resident's 09:00 message and the
// operator's 09:05 answer from the phone. The bot's reply to 09:00 must not go out.
func TestNoReplyOverAnOperatorAfterDowntime(t *testing.T) {
	for _, operatorWrote := range []bool{true, false} {
		t.Run(fmt.Sprintf("operator wrote %v", operatorWrote), func(t *testing.T) {
			w := newWired(t)
			ctx := context.Background()
			ob := w.outbox    // its reply gate holds while the backlog arrives, as the program's does
			w.acc.dial(w.cli) // connecting: the backlog follows
			w.internals().DispatchEvent(&events.Connected{})
			missed := epoch.Add(-3 * time.Hour) // written while the service was down
			if w.internals().HandleDecryptedMessage(ctx, residentInfo("B1", missed), text("halo"), 0) {
				t.Fatal("resident's message not acknowledged")
			}
			if _, err := ob.SendDue(ctx, accKey); err != nil {
				t.Fatal(err)
			}
			if n := len(w.wa.Sends()); n != 0 {
				t.Fatalf("%d sends while the offline backlog was still coming", n)
			}
			if operatorWrote {
				op := &types.MessageInfo{ID: "B2", Timestamp: missed.Add(5 * time.Minute), MessageSource: types.MessageSource{
					Chat: residentPN, Sender: types.NewADJID(accPhone, 0, 0), IsFromMe: true}}
				if w.internals().HandleDecryptedMessage(ctx, op, text("Baik Bu, saya bantu"), 0) {
					t.Fatal("operator's message not acknowledged")
				}
			}
			w.internals().HandleIB(ctx, &waBinary.Node{Tag: "ib", Content: []waBinary.Node{
				{Tag: "offline", Attrs: waBinary.Attrs{"count": "2"}}}})
			w.clock.Advance(time.Minute)
			if _, err := ob.SendDue(ctx, accKey); err != nil {
				t.Fatal(err)
			}
			sent := len(w.wa.Sends())
			if operatorWrote && sent != 0 {
				t.Errorf("bot sent %d replies over the operator", sent)
			}
			if !operatorWrote && sent == 0 {
				t.Error("reply never sent after the backlog")
			}
			// A connection lost and restored by whatsmeow itself brings a backlog too.
			w.internals().DispatchEvent(&events.Disconnected{})
			w.internals().DispatchEvent(&events.Connected{})
			if !w.tr.Holding(accKey) {
				t.Error("replies not held after whatsmeow reconnected by itself")
			}
		})
	}
}

func TestPermanentSendErrorsFailAtOnceAndAreTold(t *testing.T) {
	for _, tc := range []struct {
		name, note, reason string
		err                error
	}{
		{"463", "463", "belum menghubungi nomor ini", fmt.Errorf("%w 463", whatsmeow.ErrServerReturnedError)},
		{"479", "479", "kode 479", fmt.Errorf("%w 479", whatsmeow.ErrServerReturnedError)},
		{"not on WhatsApp", "not on WhatsApp", "tidak terdaftar di WhatsApp",
			fmt.Errorf("no LID found for %s from server", residentPN)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWired(t)
			ctx := context.Background()
			ob := w.outbox // gives up through the router (TellGaveUp), as the program's does
			w.wa.Fail = func(n int) error {
				if n == 1 {
					return tc.err
				}
				return nil
			}
			id := ketanmu.NewMessageID()
			mustQueueReply(t, w.env, ketanmu.Outbound{ID: id, Account: accKey, Chat: resident, Text: "Permohonan Anda selesai"})
			if _, err := ob.SendDue(ctx, accKey); err != nil {
				t.Fatal(err)
			}
			status, attempts, err := w.db.OutboxStatus(ctx, accKey, id)
			if err != nil || status != "failed" || attempts != 1 {
				t.Errorf("outbox = %s after %d attempts (%v), want failed after 1", status, attempts, err)
			}
			if n := w.count(t, `SELECT COUNT(*) FROM outbox WHERE chat = ? AND text LIKE '%'||?||'%' AND text LIKE '%'||?||'%'`,
				opsGroup, ketanmu.MaskPhone(resident), tc.reason); n != 1 {
				t.Errorf("operators told the reason %q %d times, want once", tc.reason, n)
			}
			if notes := w.tr.Notes(accKey); len(notes) != 1 || !strings.Contains(notes[0], tc.note) {
				t.Errorf("notes = %q", notes)
			}
		})
	}
}

func TestOnlyAPersonTypingTakesTheChat(t *testing.T) {
	w := newWired(t)
	ctx := context.Background()
	taken := func(chat string) bool {
		var by string
		w.db.SQL().QueryRow(`SELECT human_by FROM conversations WHERE account = ? AND chat = ?`, accKey, chat).Scan(&by)
		return by != ""
	}
	residents := []string{"6281234500001", "6281234500002", "6281234500003", "6281234500004"}
	for i, r := range residents {
		jid := types.NewJID(r, types.DefaultUserServer)
		if w.internals().HandleDecryptedMessage(ctx, &types.MessageInfo{ID: fmt.Sprintf("R%d", i), Timestamp: epoch,
			MessageSource: types.MessageSource{Chat: jid, Sender: jid}}, text("halo"), 0) {
			t.Fatal("not acknowledged")
		}
	}
	phone := func(id, to string, m *waE2E.Message, device uint8) {
		info := &types.MessageInfo{ID: id, Timestamp: epoch, MessageSource: types.MessageSource{
			Chat: types.NewJID(to, types.DefaultUserServer), Sender: types.NewADJID(accPhone, 0, device), IsFromMe: true}}
		if w.internals().HandleDecryptedMessage(ctx, info, m, 0) {
			t.Fatalf("%s not acknowledged", id)
		}
	}
	phone("G0", residents[0], &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍"),
		Key: &waCommon.MessageKey{ID: proto.String("R0")}}}, 0)
	if taken(residents[0]) {
		t.Error("a reaction from the office phone took the chat")
	}
	greeting := "Terima kasih telah menghubungi Disdukcapil. Kami akan segera membalas."
	for i := range 3 {
		phone(fmt.Sprintf("G%d", i+1), residents[i+1], text(greeting), 0)
	}
	if !taken(residents[1]) || taken(residents[3]) {
		t.Errorf("taken = %v %v %v; the third identical greeting from the phone must not take its chat",
			taken(residents[1]), taken(residents[2]), taken(residents[3]))
	}
	if notes := w.tr.Notes(accKey); len(notes) != 1 || !strings.Contains(notes[0], "turn them off") {
		t.Errorf("administrator not told: %q", notes)
	}
	// An operator on WhatsApp Web (another linked device) is a person, whatever the text.
	phone("G9", residents[0], text(greeting), 7)
	if !taken(residents[0]) {
		t.Error("a message typed on an operator's WhatsApp Web did not take the chat")
	}
}

func TestViewOnceIsAnsweredWithARequestForANormalPhoto(t *testing.T) {
	w := newWired(t)
	if w.internals().HandleDecryptedMessage(context.Background(), residentInfo("V0", epoch), text("halo"), 0) {
		t.Fatal("not acknowledged")
	}
	before := w.count(t, `SELECT COUNT(*) FROM outbox`)
	w.internals().DispatchEvent(&events.UndecryptableMessage{Info: *residentInfo("V1", epoch),
		IsUnavailable: true, UnavailableType: events.UnavailableTypeViewOnce})
	var kind, unsupported string
	if err := w.db.SQL().QueryRow(`SELECT kind, unsupported FROM messages WHERE wa_id = 'V1'`).Scan(&kind, &unsupported); err != nil {
		t.Fatalf("view-once message not handed to the router: %v", err)
	}
	if unsupported != string(bot.HintViewOnce) {
		t.Errorf("stored %s/%s, want unsupported/view_once", kind, unsupported)
	}
	if replies := outboxTexts(t, w.db.SQL(), before); !strings.Contains(strings.Join(replies, "\n"), "foto sekali lihat") {
		t.Errorf("replies = %q, want one naming the view-once photo", replies)
	}
}

func TestPresenceIsSentOnceThePushNameArrives(t *testing.T) {
	w := newWired(t)
	w.acc.announceName(context.Background()) // what Connected runs, with no push name yet
	if w.log.has("Sending presence failed") {
		t.Fatal("presence tried without a push name")
	}
	w.cli.Store.PushName = "Disdukcapil"
	w.internals().DispatchEvent(&events.PushNameSetting{})
	deadline := time.Now().Add(2 * time.Second)
	for !w.log.has("Sending presence failed") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	// Not connected here, so whatsmeow refuses; what matters is that it was tried.
	if !w.log.has("Sending presence failed") {
		t.Error("presence not tried once the push name arrived")
	}
}

// Close returns only after every goroutine the transport started has finished, so nothing
// touches the store after it is closed.
func TestCloseWaitsForTransportGoroutines(t *testing.T) {
	w := newWired(t)
	var finished atomic.Bool
	started := make(chan struct{})
	w.tr.connectClient = func(*whatsmeow.Client) error {
		close(started)
		time.Sleep(100 * time.Millisecond)
		finished.Store(true)
		return nil
	}
	w.acc.connect()
	<-started
	w.tr.Close()
	if !finished.Load() {
		t.Error("Close returned while a dial was still running")
	}
	if w.tr.spawn(func(context.Context) {}) {
		t.Error("a goroutine started after Close")
	}
}

func TestInterruptedPairingIsRecovered(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.tr.db.deleteDevice(ctx, accKey); err != nil {
		t.Fatal(err)
	}
	e.tr.Close()
	tr, err := Open(ctx, e.cfg, discard)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if !tr.Paired(accKey) {
		t.Fatal("device linked by an interrupted pair not adopted")
	}
	if jid, _ := tr.db.device(ctx, accKey); !strings.HasPrefix(jid, accPhone) {
		t.Errorf("device recorded as %q", jid)
	}
}

// A reconnect planned before a logout (here after a message could not be stored) must not fire
// afterwards: it would dial a client without keys and show "connecting", hiding the logout.
func TestLogoutCancelsAPlannedReconnect(t *testing.T) {
	w := newWired(t)
	ctx := context.Background()
	w.acc.reconnectAt(w.clock.Now(), "a message could not be stored") // fires in a second
	w.internals().HandleConnectFailure(ctx, failure(waBinary.Attrs{"reason": "401"}))
	w.waitState(t, bot.StateLoggedOut, "")
	w.acc.mu.Lock()
	planned := w.acc.timer != nil
	w.acc.mu.Unlock()
	if planned {
		t.Error("reconnect still planned after the logout")
	}
	time.Sleep(1500 * time.Millisecond) // past the planned time
	if n := w.dials.Load(); n != 0 {
		t.Errorf("dialled %d times after the logout", n)
	}
	if st := w.acc.state.get(); st.State != bot.StateLoggedOut {
		t.Errorf("state = %s after the planned time, want %s", st.State, bot.StateLoggedOut)
	}
}
