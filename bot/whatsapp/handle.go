package whatsapp

import (
	"context"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

// handleMessage converts a message and makes it durable before it is acknowledged: text goes
// straight through the router (one transaction), a file or a message queued behind one goes to
// the inbox, whose workers download and hand it over. It returns false, leaving the message
// unacknowledged so WhatsApp delivers it again, when nothing durable could be written.
func (a *account) handleMessage(ev *events.Message) bool {
	ctx := a.t.ctx
	ci := convertInput{Account: a.cfg, Self: a.self(), LIDs: a.lids(), MaxMedia: a.t.cfg.Storage.MaxMediaBytes}
	c, why, err := convert(ctx, ci, ev)
	if err == nil && why == "" {
		why, err = a.t.screen(ctx, c.in)
	}
	if err != nil {
		a.t.log.Error("Message not acknowledged, WhatsApp will deliver it again", "account", a.cfg.Key,
			"chat", jidString(ev.Info.Chat), "message_id", ev.Info.ID, "error", err)
		return false
	}
	if why != "" {
		level := a.t.log.Debug
		if why == skipTooOld {
			level = a.t.log.Info
		}
		level("Message not for the bot", "account", a.cfg.Key, "chat", jidString(ev.Info.Chat),
			"message_id", ev.Info.ID, "reason", string(why))
		return true
	}
	if err := a.t.accept(ctx, c, sourceOf(ev.Info)); err != nil {
		a.t.log.Error("Message not acknowledged, WhatsApp will deliver it again", "account", a.cfg.Key,
			"chat", ketanmu.MaskPhone(c.in.Chat), "message_id", c.in.ID, "error", err)
		return false
	}
	a.markRead(ev, c.in)
	return true
}

// screen drops what the bot must not answer although it converts: its own sends coming back,
// and messages that waited too long (missed while offline) to be answered now.
func (t *Transport) screen(ctx context.Context, in ketanmu.Inbound) (skip, error) {
	if in.FromMe {
		_, err := t.outbox.OutboxByID(ctx, in.Account, in.ID)
		switch ketanmu.ErrorCode(err) {
		case "":
			return skipOwnSend, nil
		case ketanmu.ENOTFOUND:
		default:
			return "", err
		}
	}
	if tooOld(in.At, t.Now(), t.cfg.WhatsApp.OfflineMaxAge) {
		return skipTooOld, nil
	}
	return "", nil
}

// accept makes a converted message durable: through the router, or into the inbox when a file
// must be fetched first or the chat already has messages waiting there (order is kept per chat).
func (t *Transport) accept(ctx context.Context, c converted, src source) error {
	waiting, err := t.db.chatWaiting(ctx, c.in.Account, c.in.Chat)
	if err != nil {
		return err
	}
	if c.media != nil || waiting {
		if err := t.db.putInbox(ctx, c.in, c.media, src); err != nil {
			return err
		}
		t.kickInbox()
		return nil
	}
	return t.handOver(ctx, c.in)
}

// handOver gives a complete message to the router. A message the router refuses as invalid is
// logged and dropped: delivering it again would not help.
func (t *Transport) handOver(ctx context.Context, in ketanmu.Inbound) error {
	_, err := t.router.Handle(ctx, in)
	if err != nil && bot.IsUserError(err) {
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
	go func() {
		err := cli.MarkRead(a.t.ctx, []types.MessageID{ev.Info.ID}, a.t.Now(), ev.Info.Chat, ev.Info.Sender)
		if err != nil {
			a.t.log.Debug("Read receipt failed", "account", a.cfg.Key, "error", err)
		}
	}()
}

// handleMediaRetry takes the phone's answer to a media retry request: a new path for a file
// whose link had expired.
func (a *account) handleMediaRetry(e *events.MediaRetry) {
	ctx := a.t.ctx
	r, ok, err := a.t.db.inboxByID(ctx, a.cfg.Key, e.MessageID)
	if err != nil || !ok || r.Media == nil {
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
