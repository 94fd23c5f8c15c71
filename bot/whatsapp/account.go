package whatsapp

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/config"
)

// account is one configured number and its whatsmeow client.
type account struct {
	t     *Transport
	cfg   config.Account
	state stateBox

	mu    sync.Mutex
	dev   *wastore.Device
	cli   *whatsmeow.Client // nil before connect (and in tests)
	wa    sender            // cli, or a fake in tests
	dl    fetcher
	timer *time.Timer // a reconnect planned after a ban or a refused connection
}

func (a *account) device() *wastore.Device {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.dev
}

func (a *account) sender() sender {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.wa
}

func (a *account) fetcher() fetcher {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.dl
}

// self is the account's own identity, from its device.
func (a *account) self() self {
	dev := a.device()
	if dev == nil || dev.ID == nil {
		return self{}
	}
	return self{PN: dev.ID.ToNonAD(), LID: dev.LID.ToNonAD()}
}

func (a *account) lids() lidResolver {
	if dev := a.device(); dev != nil && dev.LIDs != nil {
		return dev.LIDs
	}
	return a.t.container.LIDMap
}

// loadDevice finds the account's paired device in whatsmeow's store, if any.
func (a *account) loadDevice(ctx context.Context) error {
	jid, err := a.t.db.device(ctx, a.cfg.Key)
	if err != nil || jid == "" {
		return err
	}
	dev, err := a.t.deviceByJID(ctx, jid)
	if err != nil {
		return fmt.Errorf("account %s: %w", a.cfg.Key, err)
	}
	if dev == nil {
		a.t.log.Warn("Paired device is gone from the WhatsApp store; pair the account again", "account", a.cfg.Key, "device", ketanmu.MaskPhone(jid))
		return nil
	}
	a.mu.Lock()
	a.dev = dev
	a.mu.Unlock()
	a.state.setDevice(jid)
	return nil
}

func (t *Transport) deviceByJID(ctx context.Context, jid string) (*wastore.Device, error) {
	j, err := types.ParseJID(jid)
	if err != nil {
		return nil, fmt.Errorf("device %q: %w", jid, err)
	}
	return t.container.GetDevice(ctx, j)
}

// connect creates the account's client and connects it in the background; whatsmeow reconnects
// by itself after network trouble.
func (a *account) connect() {
	a.mu.Lock()
	if a.t.isClosed() {
		a.mu.Unlock()
		return
	}
	cli := whatsmeow.NewClient(a.dev, a.t.waLog.Sub(a.cfg.Key))
	// Decrypted messages are kept until handled, so that a message whose handler failed (not
	// acknowledged) decrypts again when WhatsApp delivers it again.
	cli.EnableDecryptedEventBuffer = true
	cli.SynchronousAck = true
	cli.AutomaticMessageRerequestFromPhone = true
	cli.InitialAutoReconnect = true
	cli.GetMessageForRetry = a.messageForRetry
	cli.AddEventHandlerWithSuccessStatus(a.handleEvent)
	a.cli, a.wa, a.dl = cli, cli, cli
	a.mu.Unlock()
	a.state.set(bot.StateConnecting, time.Time{}, "")
	go a.dial(cli)
}

func (a *account) dial(cli *whatsmeow.Client) {
	if a.t.isClosed() {
		return
	}
	err := cli.Connect()
	if a.t.isClosed() {
		cli.Disconnect() // Close ran while connecting
		return
	}
	if err != nil {
		a.state.set(bot.StateDisconnected, time.Time{}, "cannot connect: "+maskNumbers(err.Error())+"; trying again in a minute")
		a.reconnectAt(a.t.Now().Add(time.Minute))
	}
}

// reconnectAt plans a new connection attempt, replacing any planned one.
func (a *account) reconnectAt(at time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.timer != nil {
		a.timer.Stop()
	}
	cli := a.cli
	a.timer = time.AfterFunc(max(at.Sub(a.t.Now()), time.Second), func() {
		if a.t.isClosed() || cli == nil {
			return
		}
		cli.Disconnect()
		a.state.set(bot.StateConnecting, time.Time{}, "")
		a.dial(cli)
	})
}

func (a *account) disconnect() {
	a.mu.Lock()
	if a.timer != nil {
		a.timer.Stop()
	}
	cli := a.cli
	a.mu.Unlock()
	if cli != nil {
		cli.Disconnect()
	}
}

func (t *Transport) isClosed() bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.closed
}

// handleEvent is the account's one whatsmeow event handler. whatsmeow calls it for one event
// at a time; returning false leaves a message unacknowledged, to be delivered again.
func (a *account) handleEvent(evt any) bool {
	if !a.t.enter() {
		return false
	}
	defer a.t.handlers.Done()
	switch e := evt.(type) {
	case *events.Message:
		return a.handleMessage(e)
	case *events.MediaRetry:
		a.handleMediaRetry(e)
	case *events.UndecryptableMessage:
		// whatsmeow asks the sender (and the office phone) to send it again.
		a.t.log.Warn("Message could not be decrypted, asked for it again", "account", a.cfg.Key,
			"chat", jidString(e.Info.Chat), "message_id", e.Info.ID)
	default:
		a.handleConnEvent(evt)
	}
	return true
}

// handleConnEvent follows the connection's state.
func (a *account) handleConnEvent(evt any) {
	switch e := evt.(type) {
	case *events.Connected:
		a.state.set(bot.StateConnected, time.Time{}, "")
		a.t.kickInbox() // downloads may have waited for the connection
		go a.announceName()
	case *events.Disconnected:
		a.state.set(bot.StateDisconnected, time.Time{}, "")
	case *events.KeepAliveTimeout:
		if e.ErrorCount >= 3 {
			a.state.set(bot.StateDisconnected, time.Time{}, "WhatsApp stopped answering; waiting for the connection to recover")
		}
	case *events.KeepAliveRestored:
		a.state.set(bot.StateConnected, time.Time{}, "")
	case *events.LoggedOut:
		a.loggedOut(e.Reason.String())
	case *events.StreamReplaced:
		a.state.set(bot.StateReplaced, time.Time{}, "")
	case *events.ClientOutdated:
		a.state.set(bot.StateOutdated, time.Time{}, fmt.Sprintf("WhatsApp rejected version %s as outdated: update ketanmu (whatsmeow), or set whatsapp.version to the current WhatsApp Web version and restart", wastore.GetWAVersion()))
	case *events.TemporaryBan:
		expire := e.Expire
		if expire <= 0 {
			expire = time.Hour // unknown: look again in an hour
		}
		until := a.t.Now().Add(expire)
		a.state.set(bot.StateBanned, until, fmt.Sprintf("WhatsApp temporarily banned this number (%s); sending resumes when the ban ends", e.Code))
		a.reconnectAt(until.Add(5 * time.Second))
	case *events.ConnectFailure:
		a.state.set(bot.StateDisconnected, time.Time{}, fmt.Sprintf("WhatsApp refused the connection (%s); trying again in a minute", e.Reason))
		a.reconnectAt(a.t.Now().Add(time.Minute))
	case *events.StreamError:
		a.t.log.Warn("WhatsApp stream error", "account", a.cfg.Key, "code", e.Code)
	case *events.OfflineSyncPreview:
		a.t.log.Info("Receiving messages missed while offline", "account", a.cfg.Key, "messages", e.Messages)
	case *events.OfflineSyncCompleted:
		a.t.log.Info("Caught up with messages missed while offline", "account", a.cfg.Key, "count", e.Count)
	case *events.HistorySync:
		// Old chats copied from the phone after pairing: never answered, not stored.
		a.t.log.Debug("History sync ignored", "account", a.cfg.Key)
	case *events.CallOffer:
		a.t.log.Info("Incoming call ignored", "account", a.cfg.Key, "from", jidString(e.From))
	}
}

// loggedOut forgets the device: whatsmeow has deleted its keys, and only pairing again helps.
func (a *account) loggedOut(reason string) {
	a.mu.Lock()
	a.dev = nil
	a.mu.Unlock()
	if err := a.t.db.deleteDevice(a.t.ctx, a.cfg.Key); err != nil {
		a.t.log.Error("Forgetting the logged-out device failed", "account", a.cfg.Key, "error", err)
	}
	a.state.setDevice("")
	a.state.set(bot.StateLoggedOut, time.Time{}, fmt.Sprintf("logged out by WhatsApp or the phone (%s): run `ketanmu pair --account %s`", reason, a.cfg.Key))
}

// announceName tells WhatsApp the account's display name while staying "unavailable": an
// available bot would keep the office phone from getting notifications.
func (a *account) announceName() {
	a.mu.Lock()
	cli := a.cli
	a.mu.Unlock()
	if cli == nil || cli.Store.PushName == "" {
		return
	}
	if err := cli.SendPresence(a.t.ctx, types.PresenceUnavailable); err != nil {
		a.t.log.Debug("Sending presence failed", "account", a.cfg.Key, "error", err)
	}
}
