package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

// redeliverAfter is how long after a failed message the account reconnects: WhatsApp delivers
// an unacknowledged message again only on a new connection.
const redeliverAfter = 20 * time.Second

// handleMessage converts a message and makes it durable before it is acknowledged: text goes
// straight through the router (one transaction), a file or a message queued behind one goes to
// the inbox, whose workers download and hand it over. It returns false, leaving the message
// unacknowledged so WhatsApp delivers it again, when nothing durable could be written.
func (a *account) handleMessage(ev *events.Message) (ok bool) {
	var cause error
	defer func() {
		if p := recover(); p != nil {
			// whatsmeow would recover too, and then acknowledge a message nobody stored.
			a.t.log.Error("Message handler panicked; message not acknowledged", "account", a.cfg.Key,
				"chat", jidString(ev.Info.Chat), "message_id", ev.Info.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			ok, cause = false, fmt.Errorf("panic: %v", p)
		}
		if !ok {
			if cause == nil {
				cause = errors.New("not stored")
			}
			ok = a.failedMessage(ev.Info, cause.Error())
		}
	}()
	ctx := a.t.ctx
	if ev.Info.IsFromMe && a.fromOwnPhone(ev.Info.Sender) {
		a.phoneSeen(a.t.Now())
	}
	if done, err := a.t.db.gaveUp(ctx, a.cfg.Key, ev.Info); err != nil || done {
		return err == nil // given up earlier: acknowledge the copy
	}
	if ev.Info.IsGroup {
		a.noteGroupMode(ev.Info.Chat, ev.Info.AddressingMode)
	}
	ci := convertInput{Account: a.cfg, Self: a.self(), LIDs: a.lids()}
	r, ref, why, err := convert(ctx, ci, ev)
	var c converted
	if err == nil && why == "" {
		why = a.notTyped(ev, r)
	}
	if err == nil && why == "" {
		var s bot.Skip
		c.in, s, err = a.t.intake.Take(ctx, r)
		why = skip(s)
		if c.in.Media != nil {
			c.media = ref
		}
	}
	if err != nil {
		a.t.log.Error("Message not acknowledged, WhatsApp will deliver it again", "account", a.cfg.Key,
			"chat", jidString(ev.Info.Chat), "message_id", ev.Info.ID, "error", err)
		cause = err
		return false
	}
	if why != "" {
		level := a.t.log.Debug
		if why == skipTooOld || why == skipAutomatic {
			level = a.t.log.Info
		}
		level("Message not for the bot", "account", a.cfg.Key, "chat", jidString(ev.Info.Chat),
			"message_id", ev.Info.ID, "reason", string(why))
		return true
	}
	if ev.UnavailableRequestID != "" {
		// Sent again by the phone on request: whatsmeow acknowledges it whatever this handler
		// answers, so it goes to the inbox (one small write) rather than through the router.
		err = a.t.queue(ctx, c, sourceOf(ev.Info))
	} else {
		err = a.t.accept(ctx, c, sourceOf(ev.Info))
	}
	if err != nil {
		a.t.log.Error("Message not acknowledged, WhatsApp will deliver it again", "account", a.cfg.Key,
			"chat", ketanmu.MaskPhone(c.in.Chat), "message_id", c.in.ID, "error", err)
		if ev.UnavailableRequestID != "" {
			a.askPhoneLater(ev.Info)
		}
		cause = err
		return false
	}
	a.markRead(ev, c.in)
	return true
}

// redeliverSoon plans a reconnect after a message was left unacknowledged, unless one is
// planned already: a transient database error must not hold a resident's message for hours.
func (a *account) redeliverSoon() {
	a.mu.Lock()
	planned := a.timer != nil
	a.mu.Unlock()
	if planned || a.t.isClosed() {
		return
	}
	a.reconnectAt(a.t.Now().Add(redeliverAfter), "a message could not be stored")
	a.mu.Lock()
	a.redeliverPlanned = true
	a.mu.Unlock()
}

// askPhoneLater asks the office phone once more for a message it sent again but that could
// not be stored: whatsmeow has acknowledged that copy already.
func (a *account) askPhoneLater(info types.MessageInfo) {
	a.t.after(redeliverAfter, func(ctx context.Context) {
		a.mu.Lock()
		cli := a.cli
		a.mu.Unlock()
		if cli == nil {
			return
		}
		req := cli.BuildUnavailableMessageRequest(info.Chat, info.Sender, info.ID)
		if _, err := cli.SendMessage(ctx, cli.Store.ID.ToNonAD(), req, whatsmeow.SendRequestExtra{Peer: true}); err != nil {
			a.t.log.Warn("Asking the phone for a message again failed", "account", a.cfg.Key, "message_id", info.ID, "error", err)
		}
	})
}

// accept makes a converted message durable: through the router, or into the inbox when a file
// must be fetched first or the chat already has messages waiting there (order is kept per chat).
func (t *Transport) accept(ctx context.Context, c converted, src source) error {
	waiting, err := t.db.chatWaiting(ctx, c.in.Account, c.in.Chat)
	if err != nil {
		return err
	}
	if c.media != nil || waiting {
		return t.queue(ctx, c, src)
	}
	return t.handOver(ctx, c.in)
}

// queue puts a message in the inbox and wakes its workers.
func (t *Transport) queue(ctx context.Context, c converted, src source) error {
	if err := t.db.putInbox(ctx, c.in, c.media, src); err != nil {
		return err
	}
	t.kickInbox()
	return nil
}

// handOver gives a complete message to the router. A message the router refuses as invalid is
// logged and dropped: delivering it again would not help. One it could not take for now (the
// disk is full) is an error, so that WhatsApp delivers it again.
func (t *Transport) handOver(ctx context.Context, in ketanmu.Inbound) error {
	_, err := t.router.Handle(ctx, in)
	if err != nil && bot.IsUserError(err) && !ketanmu.Temporary(err) {
		t.log.Warn("Message refused by the router", "account", in.Account, "chat", ketanmu.MaskPhone(in.Chat),
			"message_id", in.ID, "error", err)
		return nil
	}
	return err
}

// markRead sends a read receipt for a resident's message when whatsapp.mark_read is on.
func (a *account) markRead(ev *events.Message, in ketanmu.Inbound) {
	if !a.t.cfg.WhatsApp.MarkRead || in.FromMe || ev.Info.IsGroup {
		return
	}
	a.mu.Lock()
	cli := a.cli
	a.mu.Unlock()
	if cli == nil {
		return
	}
	a.t.spawn(func(ctx context.Context) {
		err := cli.MarkRead(ctx, []types.MessageID{ev.Info.ID}, a.t.Now(), ev.Info.Chat, ev.Info.Sender)
		if err != nil {
			a.t.log.Debug("Read receipt failed", "account", a.cfg.Key, "error", err)
		}
	})
}

// handleUndecryptable answers what the phone will never send again: a "view once" photo is
// not given to linked devices, so the resident is asked for a normal photo. Other failures
// are asked for again by whatsmeow (from the sender, then from the office phone).
func (a *account) handleUndecryptable(e *events.UndecryptableMessage) bool {
	if !e.IsUnavailable || e.UnavailableType != events.UnavailableTypeViewOnce {
		a.t.log.Warn("Message could not be decrypted, asked for it again", "account", a.cfg.Key,
			"chat", jidString(e.Info.Chat), "message_id", e.Info.ID)
		return true
	}
	ctx := a.t.ctx
	r := bot.Received{Account: a.cfg.Key, ID: e.Info.ID, At: e.Info.Timestamp, FromMe: e.Info.IsFromMe}
	why, err := route(ctx, convertInput{Account: a.cfg, Self: a.self(), LIDs: a.lids()}, e.Info, &r)
	if err != nil {
		return false
	}
	if why != "" || r.FromMe {
		return true
	}
	r.File = &bot.Attachment{Hint: bot.HintViewOnce}
	in, s, err := a.t.intake.Take(ctx, r)
	if err != nil {
		return false
	}
	if s != "" {
		return true
	}
	if err := a.t.accept(ctx, converted{in: in}, sourceOf(e.Info)); err != nil {
		a.t.log.Error("View-once notice not stored", "account", a.cfg.Key, "message_id", e.Info.ID, "error", err)
		return false
	}
	return true
}

// handleMediaRetry takes the phone's answer to a media retry request: a new path for a file
// whose link had expired.
func (a *account) handleMediaRetry(e *events.MediaRetry) {
	ctx := a.t.ctx
	r, ok, err := a.t.db.inboxByID(ctx, a.cfg.Key, e.MessageID)
	if err != nil || !ok || r.Media == nil {
		if err != nil {
			a.t.log.Error("Media retry: inbox look-up failed", "account", a.cfg.Key, "message_id", e.MessageID, "error", err)
		}
		return
	}
	notif, err := whatsmeow.DecryptMediaRetryNotification(e, r.Media.downloadable().GetMediaKey())
	switch {
	case err != nil:
		a.t.log.Warn("Media retry failed", "account", a.cfg.Key, "message_id", e.MessageID, "error", err)
	case notif.GetResult() != waMmsRetry.MediaRetryNotification_SUCCESS:
		a.t.log.Warn("Phone could not send the file again", "account", a.cfg.Key, "message_id", e.MessageID,
			"result", notif.GetResult().String())
	default:
		r.Media.setDirectPath(notif.GetDirectPath())
	}
	// Either way try now: with the new path, or towards giving up with a polite answer.
	if err := a.t.db.refreshMedia(ctx, r); err != nil {
		a.t.log.Error("Saving the new media path failed", "account", a.cfg.Key, "message_id", e.MessageID, "error", err)
		return
	}
	a.t.kickInbox()
}
