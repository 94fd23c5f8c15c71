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

// Connection retry bounds for failures whatsmeow does not retry by itself.
const (
	retryFirst = 30 * time.Second
	retryCap   = 30 * time.Minute
	// offlineSyncLimit bounds how long replies wait for the offline backlog after connecting,
	// should WhatsApp never say it is done.
	offlineSyncLimit = 2 * time.Minute
)

// account is one configured number and its whatsmeow client.
type account struct {
	t     *Transport
	cfg   config.Account
	state stateBox
	auto  autoTexts

	mu       sync.Mutex
	dev      *wastore.Device
	cli      *whatsmeow.Client // nil before connect (and in tests)
	wa       sender            // cli, or a fake in tests
	dl       fetcher
	timer    func() // stops a planned reconnect; nil when none is planned
	timerGen int
	// redeliverPlanned: the planned reconnect is only for messages left unacknowledged.
	redeliverPlanned bool
	failures         int  // connection failures in a row, for the backoff
	syncing          bool // connected, the offline backlog not yet through
	// connectedAt is when the current connection came up: messages written before it were
	// missed while offline.
	connectedAt time.Time
	phoneSeenAt time.Time // last recorded sign of life of the office phone
	syncUntil   time.Time
	announced   bool // the "unavailable" presence went out on this connection
	// groupModes is the addressing mode last seen per group.
	groupModes map[types.JID]types.AddressingMode
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
	if err != nil {
		return err
	}
	if jid == "" {
		return a.recoverOrphan(ctx)
	}
	dev, err := a.t.deviceByJID(ctx, jid)
	if err != nil {
		return fmt.Errorf("account %s: %w", a.cfg.Key, err)
	}
	if dev == nil {
		a.t.log.Warn("Paired device is gone from the WhatsApp store; pair the account again", "account", a.cfg.Key, "device", ketanmu.MaskPhone(jid))
		return nil
	}
	a.adopt(dev)
	return nil
}

// recoverOrphan adopts a device of the account's number that whatsmeow stored but that no
// account records: `ketanmu pair` stopped between the link and recording it.
func (a *account) recoverOrphan(ctx context.Context) error {
	devs, err := a.t.container.GetAllDevices(ctx)
	if err != nil {
		return fmt.Errorf("account %s: devices: %w", a.cfg.Key, err)
	}
	for _, dev := range devs {
		if dev.ID == nil || dev.ID.User != a.cfg.Phone {
			continue
		}
		owner, err := a.t.db.accountOf(ctx, dev.ID.String())
		if err != nil {
			return err
		}
		if owner != "" {
			continue
		}
		if err := a.t.db.putDevice(ctx, a.cfg.Key, dev.ID.String()); err != nil {
			return fmt.Errorf("account %s: record device: %w", a.cfg.Key, err)
		}
		a.t.log.Warn("Found a linked device no account recorded (pairing was interrupted); using it",
			"account", a.cfg.Key, "device", jidString(*dev.ID))
		a.adopt(dev)
		return nil
	}
	return nil
}

func (a *account) adopt(dev *wastore.Device) {
	a.mu.Lock()
	a.dev = dev
	a.mu.Unlock()
	a.state.setDevice(dev.ID.String())
}

func (t *Transport) deviceByJID(ctx context.Context, jid string) (*wastore.Device, error) {
	j, err := types.ParseJID(jid)
	if err != nil {
		return nil, fmt.Errorf("device %q: %w", jid, err)
	}
	return t.container.GetDevice(ctx, j)
}

// newClient makes the account's whatsmeow client with the settings the transport relies on.
func (a *account) newClient(dev *wastore.Device) *whatsmeow.Client {
	cli := whatsmeow.NewClient(dev, a.t.waLog.Sub(a.cfg.Key))
	// Decrypted messages are kept until handled, so that a message whose handler failed (not
	// acknowledged) decrypts again when WhatsApp delivers it again.
	cli.EnableDecryptedEventBuffer = true
	cli.SynchronousAck = true
	// Messages the phone sends again are acknowledged by whatsmeow whatever the handler says:
	// handleMessage puts them in the inbox first, and asks the phone again when that fails.
	cli.AutomaticMessageRerequestFromPhone = true
	cli.InitialAutoReconnect = true
	cli.GetMessageForRetry = a.messageForRetry
	cli.AddEventHandlerWithSuccessStatus(a.handleEvent)
	return cli
}

// connect creates the account's client and connects it in the background; whatsmeow reconnects
// by itself after network trouble.
func (a *account) connect() {
	a.mu.Lock()
	if a.t.isClosed() || a.dev == nil {
		a.mu.Unlock()
		return
	}
	cli := a.newClient(a.dev)
	a.cli, a.wa, a.dl = cli, cli, cli
	a.mu.Unlock()
	a.state.set(bot.StateConnecting, time.Time{}, "")
	a.t.spawn(func(context.Context) { a.dial(cli) })
}

func (a *account) dial(cli *whatsmeow.Client) {
	if a.t.isClosed() {
		return
	}
	a.mu.Lock()
	a.syncing, a.syncUntil, a.announced = true, time.Time{}, false
	a.mu.Unlock()
	err := a.t.connectClient(cli)
	if a.t.isClosed() {
		cli.Disconnect() // Close ran while connecting
		return
	}
	if err != nil {
		a.failed("cannot connect: " + maskNumbers(err.Error()))
	}
}

// failed plans the next connection attempt after a failure whatsmeow does not retry itself,
// backing off exponentially up to retryCap.
func (a *account) failed(what string) {
	a.mu.Lock()
	a.failures++
	d := retryFirst
	for i := 1; i < a.failures && d < retryCap; i++ {
		d *= 2
	}
	d = min(d, retryCap)
	a.mu.Unlock()
	a.state.set(bot.StateDisconnected, time.Time{}, fmt.Sprintf("%s; trying again in %s", what, d))
	a.reconnectAt(a.t.Now().Add(d), what)
}

// reconnectAt plans a new connection attempt, replacing any planned one.
func (a *account) reconnectAt(at time.Time, why string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.timer != nil {
		a.timer()
	}
	a.timerGen++
	a.redeliverPlanned = false
	gen, cli := a.timerGen, a.cli
	a.timer = a.t.after(max(at.Sub(a.t.Now()), time.Second), func(context.Context) {
		a.mu.Lock()
		current, gone := a.timerGen == gen, a.dev == nil
		if current {
			a.timer = nil
		}
		a.mu.Unlock()
		if !current || gone || a.t.isClosed() || cli == nil {
			return // replaced or cancelled while firing, or the device was logged out
		}
		a.t.log.Info("Reconnecting", "account", a.cfg.Key, "reason", why)
		cli.Disconnect()
		a.state.set(bot.StateConnecting, time.Time{}, "")
		a.dial(cli)
	})
}

// cancelReconnectLocked stops a planned reconnect; a.mu is held.
func (a *account) cancelReconnectLocked() {
	if a.timer != nil {
		a.timer()
		a.timer = nil
	}
	a.timerGen++
}

func (a *account) disconnect() {
	a.mu.Lock()
	if a.timer != nil {
		a.timer()
		a.timer = nil
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
		return a.handleUndecryptable(e)
	default:
		a.handleConnEvent(evt)
	}
	return true
}

// handleConnEvent follows the connection's state.
func (a *account) handleConnEvent(evt any) {
	switch e := evt.(type) {
	case *events.Connected:
		a.mu.Lock()
		a.failures = 0
		a.syncUntil = a.t.Now().Add(offlineSyncLimit)
		a.connectedAt = a.t.Now()
		a.mu.Unlock()
		a.state.set(bot.StateConnected, time.Time{}, "")
		a.t.spawn(func(ctx context.Context) { a.connectedAgain(ctx) })
		a.t.kickInbox() // downloads may have waited for the connection
		a.t.spawn(func(ctx context.Context) { a.announceName(ctx) })
	case *events.Disconnected:
		// whatsmeow reconnects by itself; what was missed meanwhile comes as a backlog first.
		a.mu.Lock()
		a.syncing, a.syncUntil = true, time.Time{}
		a.mu.Unlock()
		a.state.set(bot.StateDisconnected, time.Time{}, "")
	case *events.KeepAliveTimeout:
		if e.ErrorCount >= 3 {
			a.state.set(bot.StateDisconnected, time.Time{}, "WhatsApp stopped answering; waiting for the connection to recover")
		}
	case *events.KeepAliveRestored:
		a.state.set(bot.StateConnected, time.Time{}, "")
	case *events.LoggedOut:
		a.loggedOut(e.Reason.String())
		a.outage("logged_out", time.Time{})
	case *events.StreamReplaced:
		a.state.set(bot.StateReplaced, time.Time{}, "")
	case *events.ClientOutdated:
		a.t.outdated(a)
	case *events.TemporaryBan:
		expire := e.Expire
		if expire <= 0 {
			expire = time.Hour // unknown: look again in an hour
		}
		until := a.t.Now().Add(expire)
		a.state.set(bot.StateBanned, until, fmt.Sprintf("WhatsApp temporarily banned this number (%s); sending resumes when the ban ends", e.Code))
		a.reconnectAt(until.Add(5*time.Second), "temporary ban over")
		a.outage("banned", until)
	case *events.ConnectFailure:
		a.failed(fmt.Sprintf("WhatsApp refused the connection (%s)", e.Reason))
	case *events.StreamError:
		a.t.log.Warn("WhatsApp stream error", "account", a.cfg.Key, "code", e.Code)
	case *events.OfflineSyncPreview:
		a.t.log.Info("Receiving messages missed while offline", "account", a.cfg.Key, "messages", e.Messages)
	case *events.OfflineSyncCompleted:
		a.mu.Lock()
		a.syncing = false
		a.mu.Unlock()
		a.t.log.Info("Caught up with messages missed while offline", "account", a.cfg.Key, "count", e.Count)
	case *events.PushNameSetting, *events.AppStateSyncComplete:
		// The push name may have been unknown when connected: announce now.
		a.t.spawn(func(ctx context.Context) { a.announceName(ctx) })
	case *events.HistorySync:
		// Old chats copied from the phone after pairing: never answered, not stored.
		a.t.log.Debug("History sync ignored", "account", a.cfg.Key)
	case *events.Receipt:
		if a.fromOwnPhone(e.Sender) {
			a.phoneSeen(a.t.Now())
		}
	case *events.CallOffer:
		a.t.log.Info("Incoming call ignored", "account", a.cfg.Key, "from", jidString(e.From))
	}
}

// holding reports whether replies to residents must wait: the account is catching up with
// messages missed while offline, in which an operator's answer may still be coming.
func (a *account) holding() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.syncing {
		return false
	}
	return a.syncUntil.IsZero() || a.t.Now().Before(a.syncUntil)
}

// loggedOut forgets the device: whatsmeow has deleted its keys, and only pairing again helps.
func (a *account) loggedOut(reason string) {
	a.mu.Lock()
	a.dev = nil
	// A reconnect planned before (after a ban, a failure or a message left unacknowledged)
	// would turn the state back into "connecting" and hide the logout.
	a.cancelReconnectLocked()
	a.mu.Unlock()
	if err := a.t.db.deleteDevice(a.t.ctx, a.cfg.Key); err != nil {
		a.t.log.Error("Forgetting the logged-out device failed", "account", a.cfg.Key, "error", err)
	}
	a.state.setDevice("")
	a.state.set(bot.StateLoggedOut, time.Time{}, fmt.Sprintf("logged out by WhatsApp or the phone (%s): run `ketanmu pair --account %s`", reason, a.cfg.Key))
}

// announceName tells WhatsApp the account's display name while staying "unavailable": an
// available bot would keep the office phone from getting notifications. Without a push name
// WhatsApp refuses the presence; it is sent once the name arrives from the phone.
func (a *account) announceName(ctx context.Context) {
	a.mu.Lock()
	cli, done := a.cli, a.announced
	a.mu.Unlock()
	if cli == nil || done || cli.Store.PushName == "" {
		return
	}
	if err := cli.SendPresence(ctx, types.PresenceUnavailable); err != nil {
		a.t.log.Debug("Sending presence failed", "account", a.cfg.Key, "error", err)
		return
	}
	a.mu.Lock()
	a.announced = true
	a.mu.Unlock()
}

// noteGroupMode remembers how WhatsApp addresses a group's members (by phone number or LID),
// as seen on its messages, for quoting in that group.
func (a *account) noteGroupMode(group types.JID, mode types.AddressingMode) {
	if mode == "" {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.groupModes == nil {
		a.groupModes = map[types.JID]types.AddressingMode{}
	}
	a.groupModes[group.ToNonAD()] = mode
}

func (a *account) groupMode(group types.JID) types.AddressingMode {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.groupModes[group.ToNonAD()]
}
