package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/ketanmu/ketanmu"
)

// PairOptions says how to link an account's number.
type PairOptions struct {
	Account string
	// Phone, when set, asks for an 8-character code to type on the phone instead of a QR code.
	Phone string
	// Force logs the account's current device out first; without it a paired account is refused.
	Force bool
	// Timeout bounds the whole pairing; whatsapp.pair_timeout when zero.
	Timeout time.Duration
	// QR shows a QR code to scan and how long it is valid; a new one follows when it expires.
	QR func(code string, validFor time.Duration)
	// Code shows the pairing code to type on the phone.
	Code func(code string)
	// Progress tells what is happening ("Logging out the old device…").
	Progress func(msg string)
}

// Pairing failures a person can act on.
var (
	ErrAlreadyPaired  = errors.New("already paired")
	ErrPairTimeout    = errors.New("pairing timed out")
	ErrClientOutdated = errors.New("WhatsApp rejected this client as outdated")
	ErrNoNetwork      = errors.New("cannot reach WhatsApp")
	ErrWrongNumber    = errors.New("linked from another number")
	ErrNoMultiDevice  = errors.New("the phone does not support linked devices")
)

// Pair links an account's number: it shows QR codes (or a pairing code) until the phone links
// the new device, then records that the device belongs to the account. It returns the device's
// JID.
func (t *Transport) Pair(ctx context.Context, opt PairOptions) (types.JID, error) {
	a, err := t.account(opt.Account)
	if err != nil {
		return types.JID{}, err
	}
	if opt.Phone != "" {
		phone, err := ketanmu.NormalizePhone(opt.Phone)
		if err != nil {
			return types.JID{}, err
		}
		if phone != a.cfg.Phone {
			return types.JID{}, fmt.Errorf("%w: --phone %s is not the number of account %s (%s in the config)",
				ErrWrongNumber, opt.Phone, a.cfg.Key, a.cfg.Phone)
		}
		opt.Phone = phone
	}
	if opt.Timeout <= 0 {
		opt.Timeout = t.cfg.WhatsApp.PairTimeout
	}
	if opt.Progress == nil {
		opt.Progress = func(string) {}
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	if dev := a.device(); dev != nil {
		if !opt.Force {
			return types.JID{}, fmt.Errorf("%w: account %s is linked as device %s; add --force to log it out and pair again",
				ErrAlreadyPaired, a.cfg.Key, jidString(*dev.ID))
		}
		opt.Progress("Logging out the old device…")
		if err := t.unlink(ctx, a, dev); err != nil {
			return types.JID{}, err
		}
	}
	rejected := wastore.GetWAVersion()
	jid, err := t.link(ctx, a, opt)
	if !errors.Is(err, ErrClientOutdated) || t.version.override != "" {
		return jid, err
	}
	// As serve does: look the current WhatsApp Web version up, remember it, and try once more.
	opt.Progress(fmt.Sprintf("WhatsApp rejected version %s as outdated; looking up the current one…", rejected))
	v, lerr := t.version.refresh(ctx, rejected)
	if v == rejected {
		return jid, fmt.Errorf("%w; looking up the current version failed: %v", err, lerr)
	}
	if lerr != nil {
		t.log.Warn("Using the new WhatsApp Web version without remembering it", "error", lerr)
	}
	t.log.Info("WhatsApp Web version in use", "version", v.String(), "rejected", rejected.String(), "account", a.cfg.Key)
	opt.Progress(fmt.Sprintf("Using WhatsApp Web version %s; starting again…", v))
	return t.link(ctx, a, opt)
}

// unlink logs a device out (removing it from the phone's Linked devices) and forgets it. When
// WhatsApp cannot be reached or has already dropped the device, it is forgotten locally.
func (t *Transport) unlink(ctx context.Context, a *account, dev *wastore.Device) error {
	cli := whatsmeow.NewClient(dev, t.waLog.Sub("Unlink"))
	connected := make(chan struct{}, 1)
	cli.AddEventHandler(func(evt any) {
		if _, ok := evt.(*events.Connected); ok {
			select {
			case connected <- struct{}{}:
			default:
			}
		}
	})
	loggedOut := false
	if err := cli.ConnectContext(ctx); err == nil {
		select {
		case <-connected:
			loggedOut = cli.Logout(ctx) == nil
		case <-time.After(30 * time.Second):
		case <-ctx.Done():
		}
		cli.Disconnect()
	}
	if !loggedOut && dev.ID != nil {
		t.log.Warn("Could not log the old device out on WhatsApp; forgetting it here. Remove it on the phone under Linked devices.",
			"account", a.cfg.Key, "device", jidString(*dev.ID))
		if err := dev.Delete(context.WithoutCancel(ctx)); err != nil {
			return fmt.Errorf("forget old device: %w", err)
		}
	}
	a.mu.Lock()
	a.dev = nil
	a.mu.Unlock()
	a.state.setDevice("")
	return t.db.deleteDevice(context.WithoutCancel(ctx), a.cfg.Key)
}

// link runs one pairing with a fresh device.
func (t *Transport) link(ctx context.Context, a *account, opt PairOptions) (types.JID, error) {
	dev := t.container.NewDevice()
	cli := whatsmeow.NewClient(dev, t.waLog.Sub("Pair"))
	var mu sync.Mutex
	var otherNumber string
	cli.PrePairCallback = func(jid types.JID, _, _ string) bool {
		if jid.User == a.cfg.Phone {
			return true
		}
		mu.Lock()
		otherNumber = jid.User
		mu.Unlock()
		return false
	}
	wrongNumber := func() error {
		mu.Lock()
		defer mu.Unlock()
		if otherNumber == "" {
			return nil
		}
		return fmt.Errorf("%w: the phone that linked is %s, but account %s is configured for %s; link with that phone or correct accounts[].phone",
			ErrWrongNumber, ketanmu.MaskPhone(otherNumber), a.cfg.Key, ketanmu.MaskPhone(a.cfg.Phone))
	}
	connected := make(chan struct{}, 1)
	// A message arriving in the seconds after linking is left unacknowledged (and kept
	// decrypted in the store) so that `ketanmu serve` gets it, instead of this command.
	cli.EnableDecryptedEventBuffer = true
	cli.AddEventHandlerWithSuccessStatus(func(evt any) bool {
		switch evt.(type) {
		case *events.Message:
			return false
		case *events.Connected:
			select {
			case connected <- struct{}{}:
			default:
			}
		}
		return true
	})
	qr, err := cli.GetQRChannel(ctx)
	if err != nil {
		return types.JID{}, err
	}
	if err := t.connectPair(ctx, cli); err != nil {
		return types.JID{}, fmt.Errorf("%w: %v (check the internet connection)", ErrNoNetwork, err)
	}
	defer cli.Disconnect()
	codeShown := false
	for item := range qr {
		switch item.Event {
		case whatsmeow.QRChannelEventCode:
			if opt.Phone == "" {
				opt.QR(item.Code, item.Timeout)
			} else if !codeShown {
				code, err := cli.PairPhone(ctx, opt.Phone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
				if err != nil {
					return types.JID{}, fmt.Errorf("pairing code: %w", err)
				}
				opt.Code(code)
				codeShown = true
			}
		case whatsmeow.QRChannelSuccess.Event:
			opt.Progress("Linked. Finishing the set-up…")
			return t.finishPairing(ctx, cli, dev, a, connected)
		case whatsmeow.QRChannelClientOutdated.Event:
			return types.JID{}, fmt.Errorf("%w (version %s): update ketanmu, or set whatsapp.version to the current WhatsApp Web version",
				ErrClientOutdated, wastore.GetWAVersion())
		case whatsmeow.QRChannelScannedWithoutMultidevice.Event:
			return types.JID{}, fmt.Errorf("%w: update WhatsApp on the phone and try again", ErrNoMultiDevice)
		case whatsmeow.QRChannelEventError:
			if err := wrongNumber(); err != nil {
				return types.JID{}, err
			}
			return types.JID{}, fmt.Errorf("pairing failed: %w", item.Error)
		case whatsmeow.QRChannelTimeout.Event:
			if err := wrongNumber(); err != nil {
				return types.JID{}, err
			}
			return types.JID{}, fmt.Errorf("%w: no phone linked within the time the codes were valid", ErrPairTimeout)
		default:
			return types.JID{}, fmt.Errorf("pairing stopped unexpectedly (%s)", item.Event)
		}
	}
	if err := wrongNumber(); err != nil {
		return types.JID{}, err
	}
	return types.JID{}, fmt.Errorf("%w after %s (whatsapp.pair_timeout)", ErrPairTimeout, opt.Timeout)
}

// finishPairing waits for the connection that follows a successful link, so that the new
// device's keys are on WhatsApp's servers, then records the device for the account.
func (t *Transport) finishPairing(ctx context.Context, cli *whatsmeow.Client, dev *wastore.Device, a *account, connected <-chan struct{}) (types.JID, error) {
	select {
	case <-connected:
	case <-time.After(30 * time.Second):
	case <-ctx.Done():
	}
	cli.Disconnect()
	if dev.ID == nil {
		return types.JID{}, errors.New("pairing reported success but no device was stored")
	}
	if err := t.db.putDevice(context.WithoutCancel(ctx), a.cfg.Key, dev.ID.String()); err != nil {
		return types.JID{}, fmt.Errorf("record device: %w", err)
	}
	a.mu.Lock()
	a.dev = dev
	a.mu.Unlock()
	a.state.setDevice(dev.ID.String())
	return *dev.ID, nil
}
