package whatsapp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/outbox"
	"github.com/ketanmu/ketanmu/store"
)

// The example config's first account, its number and its operators' group.
const (
	accKey   = "kkktp"
	accPhone = "6281100000101"
	accLID   = "99000000000101"
	opsGroup = "120363000000000101@g.us"
	resident = "6281234567890"
	resLID   = "204000000000077"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

var (
	residentPN  = types.NewJID(resident, types.DefaultUserServer)
	residentLID = types.NewJID(resLID, types.HiddenUserServer)
	ownPN       = types.NewJID(accPhone, types.DefaultUserServer)
	ownLID      = types.NewJID(accLID, types.HiddenUserServer)
	epoch       = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
)

// clock is the tests' settable clock.
type clock = testfix.Clock

// mustConfig loads the built-in example config with its data in a temporary folder and quick
// retries.
func mustConfig(tb testing.TB) *config.Config {
	tb.Helper()
	cfg := testfix.Config(tb, "")
	cfg.Storage.DataDir = tb.TempDir()
	for lane, b := range cfg.Outbound.Lanes {
		b.PerMinute, b.Burst = 60*1000, 100 // the lane's max_age stays
		cfg.Outbound.Lanes[lane] = b
	}
	cfg.Outbound.ReplyDelay = config.ReplyDelay{}
	cfg.Outbound.RetryMin = time.Second
	cfg.Outbound.RetryMax = time.Minute
	cfg.Outbound.MaxAttempts = 5
	return cfg
}

// env is a transport with every account "connected" through fakes, wired to a real store and
// router, and a real whatsmeow device store in a temporary folder.
type env struct {
	cfg    *config.Config
	clock  *clock
	tr     *Transport
	db     *store.DB
	router *bot.Router
	// outbox is the program's outbox around this transport (internal/app.Wire): its reply gate
	// asks the transport about the offline backlog, as under `ketanmu serve`.
	outbox *outbox.Outbox
	acc    *account
	wa     *fakeSender
	dl     *fakeFetcher
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	return newEnvWith(tb, mustConfig(tb))
}

func newEnvWith(tb testing.TB, cfg *config.Config) *env {
	tb.Helper()
	ctx := context.Background()
	e := &env{cfg: cfg, clock: testfix.NewClock(epoch), wa: &fakeSender{}, dl: &fakeFetcher{}}
	tr, err := Open(ctx, cfg, discard)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { tr.Close() })
	tr.Now = e.clock.Now
	db := testfix.OpenDB(tb, filepath.Join(cfg.Storage.DataDir, "ketanmu.db"), e.clock.Now)
	e.tr, e.db = tr, db
	testfix.Seed(tb, db, cfg)
	core, err := app.Wire(db, cfg, discard, tr)
	if err != nil {
		tb.Fatal(err)
	}
	e.router, e.outbox = core.Router, core.Outbox
	tr.attach(ctx, e.router, db)
	acc := tr.accounts[accKey]
	dev := tr.container.NewDevice()
	jid := types.NewADJID(accPhone, 0, 12)
	dev.ID, dev.LID = &jid, ownLID
	dev.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1}, AccountSignature: make([]byte, 64),
		AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
	if err := tr.container.PutDevice(ctx, dev); err != nil {
		tb.Fatalf("PutDevice: %v", err)
	}
	if err := tr.db.putDevice(ctx, accKey, jid.String()); err != nil {
		tb.Fatal(err)
	}
	acc.dev, acc.wa, acc.dl = dev, e.wa, e.dl
	acc.state.set(bot.StateConnected, time.Time{}, "")
	e.acc = acc
	return e
}

// count runs a SELECT COUNT(*) on the application database.
func (e *env) count(tb testing.TB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := e.db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}

// residentOf returns the resident of a chat's conversation.
func (e *env) residentOf(tb testing.TB, chat string) int64 {
	tb.Helper()
	var id int64
	err := e.db.SQL().QueryRow(`SELECT IFNULL(resident_id, 0) FROM conversations WHERE account = ? AND chat = ?`, accKey, chat).Scan(&id)
	if err != nil {
		tb.Fatalf("conversation %s: %v", chat, err)
	}
	return id
}

// fakeSender records what would have gone to WhatsApp. Fail, when set, is asked before each
// send with its number (1, 2, …).
type fakeSender struct {
	mu      sync.Mutex
	sends   []fakeSend
	uploads int
	Fail    func(n int) error
}

type fakeSend struct {
	To  types.JID
	Msg *waE2E.Message
	ID  types.MessageID
	At  time.Time
}

var _ sender = (*fakeSender)(nil)

func (f *fakeSender) SendMessage(_ context.Context, to types.JID, m *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var id types.MessageID
	if len(extra) > 0 {
		id = extra[0].ID
	}
	f.sends = append(f.sends, fakeSend{To: to, Msg: m, ID: id, At: time.Now()})
	if f.Fail != nil {
		if err := f.Fail(len(f.sends)); err != nil {
			return whatsmeow.SendResponse{}, err
		}
	}
	return whatsmeow.SendResponse{ID: id, Timestamp: time.Now()}, nil
}

func (f *fakeSender) Upload(_ context.Context, data []byte, _ whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.uploads++
	sum := sha256.Sum256(data)
	key := bytes.Repeat([]byte{byte(f.uploads)}, 32)
	return whatsmeow.UploadResponse{URL: "https://mmg.example/x", DirectPath: "/v/x", MediaKey: key,
		FileSHA256: sum[:], FileEncSHA256: sum[:], FileLength: uint64(len(data))}, nil
}

func (f *fakeSender) BuildRevoke(chat, sender types.JID, id types.MessageID) *waE2E.Message {
	var none *whatsmeow.Client
	return none.BuildRevoke(chat, sender, id)
}

func (f *fakeSender) GenerateMessageID() types.MessageID {
	var none *whatsmeow.Client
	return none.GenerateMessageID()
}

func (f *fakeSender) SendChatPresence(context.Context, types.JID, types.ChatPresence, types.ChatPresenceMedia) error {
	return nil
}

func (f *fakeSender) Sends() []fakeSend {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeSend(nil), f.sends...)
}

// fakeFetcher serves files from a map by direct path.
type fakeFetcher struct {
	mu        sync.Mutex
	files     map[string][]byte
	err       error
	downloads int
}

var _ fetcher = (*fakeFetcher)(nil)

func (f *fakeFetcher) Download(_ context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.downloads++
	if f.err != nil {
		return nil, f.err
	}
	return f.files[msg.GetDirectPath()], nil
}

func (f *fakeFetcher) SendMediaRetryReceipt(context.Context, *types.MessageInfo, []byte) error {
	return nil
}
func (f *fakeFetcher) IsLoggedIn() bool { return true }

// dm is a message a resident sent to the account, addressed as from (with alt, if any).
func dm(id string, from, alt types.JID, m *waE2E.Message) *events.Message {
	sender := from
	sender.Device = 3
	ev := &events.Message{RawMessage: m, Info: types.MessageInfo{ID: id, Timestamp: epoch,
		MessageSource: types.MessageSource{Chat: from, Sender: sender, SenderAlt: alt}}}
	return ev.UnwrapRaw()
}

// fromPhone is a message typed on the office phone in the chat with to (alt: its other form).
func fromPhone(id string, to, alt types.JID, m *waE2E.Message) *events.Message {
	phone := types.NewADJID(accPhone, 0, 0)
	ev := &events.Message{RawMessage: m, Info: types.MessageInfo{ID: id, Timestamp: epoch,
		MessageSource: types.MessageSource{Chat: to, Sender: phone, IsFromMe: true, RecipientAlt: alt}}}
	return ev.UnwrapRaw()
}

func text(s string) *waE2E.Message { return &waE2E.Message{Conversation: &s} }

func imageMsg(caption string, data []byte, path string) *waE2E.Message {
	sum := sha256.Sum256(data)
	n := uint64(len(data))
	return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: &caption, Mimetype: ptr("image/jpeg"),
		FileLength: &n, FileSHA256: sum[:], MediaKey: bytes.Repeat([]byte{1}, 32), DirectPath: &path}}
}

func ptr[T any](v T) *T { return &v }

// wantInbound compares the fields convert sets.
func wantInbound(t *testing.T, got, want ketanmu.Inbound) {
	t.Helper()
	if got.Media != nil && want.Media != nil {
		g, w := *got.Media, *want.Media
		if g.Mime != w.Mime || g.Filename != w.Filename || g.Size != w.Size {
			t.Errorf("media = %+v, want %+v", g, w)
		}
	} else if (got.Media == nil) != (want.Media == nil) {
		t.Errorf("media = %+v, want %+v", got.Media, want.Media)
	}
	got.Media, want.Media = nil, nil
	if got != want {
		t.Errorf("inbound =\n  %+v\nwant\n  %+v", got, want)
	}
}
