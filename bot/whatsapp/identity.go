package whatsapp

import (
	"context"
	"fmt"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/config"
)

// lidResolver maps LIDs and phone numbers to each other; whatsmeow's LID store satisfies it.
type lidResolver interface {
	GetPNForLID(ctx context.Context, lid types.JID) (types.JID, error)
	GetLIDForPN(ctx context.Context, pn types.JID) (types.JID, error)
}

// self is the account's own identity on WhatsApp.
type self struct {
	PN  types.JID // 628…@s.whatsapp.net
	LID types.JID // …@lid, when known
}

func (s self) is(j types.JID) bool {
	return j.User != "" && (j.User == s.PN.User || (s.LID.User != "" && j.User == s.LID.User))
}

// convertInput is everything convert needs besides the event.
type convertInput struct {
	Account config.Account
	Self    self
	LIDs    lidResolver
}

// convert turns a whatsmeow message event into the transport-neutral description the intake
// reads, or says why it is not one. It does no I/O other than LID look-ups; an error means the
// look-up failed and the event should be left unacknowledged.
func convert(ctx context.Context, ci convertInput, ev *events.Message) (bot.Received, *mediaRef, skip, error) {
	info := ev.Info
	r := bot.Received{Account: ci.Account.Key, ID: info.ID, At: info.Timestamp, FromMe: info.IsFromMe}
	if why, err := route(ctx, ci, info, &r); why != "" || err != nil {
		return bot.Received{}, nil, why, err
	}
	ref, why := eventContent(ev, &r)
	if why != "" {
		return bot.Received{}, nil, why, nil
	}
	if ev.IsViewOnce && r.File != nil {
		r.File, ref = &bot.Attachment{Hint: bot.HintViewOnce}, nil
	}
	return r, ref, "", nil
}

// route fills in's chat, address, LID and sender, or skips chats the office does not serve.
func route(ctx context.Context, ci convertInput, info types.MessageInfo, in *bot.Received) (skip, error) {
	chat := info.Chat.ToNonAD()
	switch {
	case chat.Server == types.BroadcastServer && chat.User == types.StatusBroadcastJID.User:
		return skipStatus, nil
	case chat.Server == types.BroadcastServer:
		return skipBroadcast, nil
	case chat.Server == types.NewsletterServer:
		return skipNewsletter, nil
	case chat.IsBot() || info.Sender.IsBot():
		return skipBot, nil
	case chat.Server == types.GroupServer:
		if chat.String() != ci.Account.OperatorsGroup {
			return skipGroup, nil
		}
		in.Chat, in.Address = chat.String(), chat.String()
		if !info.IsFromMe {
			phone, lid, err := resolve(ctx, ci.LIDs, info.Sender.ToNonAD(), info.SenderAlt)
			if err != nil {
				return "", err
			}
			in.Sender = phone
			if phone == "" {
				in.Sender = lid
			}
		}
		return "", nil
	case chat.Server != types.DefaultUserServer && chat.Server != types.HiddenUserServer:
		return skipServer, nil
	}
	if ci.Self.is(chat) {
		// "Message yourself": the operators' command channel, only ever typed by the office.
		if !info.IsFromMe {
			return skipSelfOther, nil
		}
		in.Chat, in.Address = ci.Account.Phone, chat.String()
		return "", nil
	}
	// A resident's chat. The other side's alternative address is the sender's for incoming
	// messages and the recipient's for messages typed on the office phone.
	alt := info.SenderAlt
	if info.IsFromMe {
		alt = info.RecipientAlt
	}
	phone, lid, err := resolve(ctx, ci.LIDs, chat, alt)
	if err != nil {
		return "", err
	}
	in.Chat, in.LID, in.Address = phone, lid, chat.String()
	if phone == "" {
		in.Chat = lid // served all the same, keyed by the LID until the number is known
	}
	return "", nil
}

// resolve returns the phone number (628…) and the LID (…@lid) of a user addressed as peer,
// using the alternative address WhatsApp sent along, then the LID store.
func resolve(ctx context.Context, lids lidResolver, peer, alt types.JID) (phone, lid string, err error) {
	alt = alt.ToNonAD()
	switch peer.Server {
	case types.DefaultUserServer:
		phone = peer.User
		switch {
		case alt.Server == types.HiddenUserServer:
			lid = alt.String()
		case lids != nil:
			// Only an alias: a failed look-up must not hold the message back.
			if l, err := lids.GetLIDForPN(ctx, peer); err == nil && !l.IsEmpty() {
				lid = l.ToNonAD().String()
			}
		}
	case types.HiddenUserServer:
		lid = peer.String()
		switch {
		case alt.Server == types.DefaultUserServer:
			phone = alt.User
		case lids != nil:
			pn, err := lids.GetPNForLID(ctx, peer)
			if err != nil {
				return "", "", fmt.Errorf("phone number of %s: %w", ketanmu.MaskPhone(peer.String()), err)
			}
			if !pn.IsEmpty() {
				phone = pn.User
			}
		}
	}
	return phone, lid, nil
}
