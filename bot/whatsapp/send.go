package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/internal/pause"
	"github.com/ketanmu/ketanmu/outbox"
)

// sender is the sending side of a client; *whatsmeow.Client satisfies it, tests use a fake.
type sender interface {
	SendMessage(ctx context.Context, to types.JID, message *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
	Upload(ctx context.Context, plaintext []byte, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
	BuildRevoke(chat, sender types.JID, id types.MessageID) *waE2E.Message
	GenerateMessageID() types.MessageID
	SendChatPresence(ctx context.Context, jid types.JID, state types.ChatPresence, media types.ChatPresenceMedia) error
}

var _ sender = (*whatsmeow.Client)(nil)

// How long the outbox holds an account's messages while it cannot send: briefly while the
// connection comes back, longer while a person has to act.
const (
	pauseReconnecting = 15 * time.Second
	pauseNeedsPerson  = 5 * time.Minute
)

// Send delivers a text or a file under msg.ID. The outbox calls it again with the same message
// on retry: WhatsApp sees one message ID however often we try, and a file is uploaded once.
func (t *Transport) Send(ctx context.Context, msg ketanmu.Outbound) error {
	a, wa, err := t.ready(msg.Account)
	if err != nil {
		return err
	}
	to, err := parseAddress(msg.To())
	if err != nil {
		return err
	}
	var m *waE2E.Message
	if msg.Revoke != "" {
		m = wa.BuildRevoke(to, types.EmptyJID, types.MessageID(msg.Revoke))
	} else if m, err = a.build(ctx, wa, msg, to); err != nil {
		return err
	}
	if t.cfg.WhatsApp.Typing && msg.Revoke == "" {
		typing(ctx, wa, to, msg.Text)
	}
	_, err = wa.SendMessage(ctx, to, m, whatsmeow.SendRequestExtra{ID: types.MessageID(msg.ID)})
	if err = t.sendError(err); ketanmu.ErrorCode(err) == ketanmu.EINVALID {
		t.notes.add(msg.Account, fmt.Sprintf("%s: message %s to %s not delivered: %s", t.Now().UTC().Format(time.RFC3339),
			msg.ID, ketanmu.MaskPhone(msg.Chat), ketanmu.ErrorMessage(err)))
	}
	return err
}

// ready returns the account's sender, or a pause for the outbox while the account cannot send.
func (t *Transport) ready(key string) (*account, sender, error) {
	a, err := t.account(key)
	if err != nil {
		return nil, nil, ketanmu.Errorf(ketanmu.EINVALID, "%v", err)
	}
	if t.isClosed() {
		return nil, nil, &outbox.PausedError{Until: t.Now().Add(pauseReconnecting)}
	}
	st := a.state.get()
	wa := a.sender()
	switch {
	case st.State == bot.StateConnected && wa != nil:
		return a, wa, nil
	case st.State == bot.StateBanned:
		return nil, nil, &outbox.PausedError{Until: st.Until}
	case st.State.NeedsPerson():
		return nil, nil, &outbox.PausedError{Until: t.Now().Add(pauseNeedsPerson)}
	}
	return nil, nil, &outbox.PausedError{Until: t.Now().Add(pauseReconnecting)}
}

func (t *Transport) sendError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, whatsmeow.ErrNotLoggedIn), errors.Is(err, whatsmeow.ErrNotConnected):
		return &outbox.PausedError{Until: t.Now().Add(pauseReconnecting)}
	case errors.Is(err, whatsmeow.ErrRecipientADJID), errors.Is(err, whatsmeow.ErrUnknownServer):
		return ketanmu.Errorf(ketanmu.EINVALID, "cannot send there: %v", err)
	case errors.Is(err, whatsmeow.ErrServerReturnedError) && strings.HasSuffix(err.Error(), " 463"):
		// WhatsApp refuses messages to someone who has not written to the number recently
		// (tulir/whatsmeow#1074): retrying the same message cannot help.
		return bot.Refused("463", "WhatsApp refused the message (463): the recipient has not written to this number recently")
	case errors.Is(err, whatsmeow.ErrServerReturnedError) && strings.HasSuffix(err.Error(), " 479"):
		// WhatsApp refuses this message for this recipient (tulir/whatsmeow#690, #922): the same
		// message under the same ID is refused again.
		return bot.Refused("479", "WhatsApp refused the message (479)")
	case strings.Contains(err.Error(), "no LID found for") && strings.Contains(err.Error(), "from server"):
		// whatsmeow asked WhatsApp for the number's LID and got none: not on WhatsApp.
		return bot.Refused("not_on_whatsapp", "the number is not on WhatsApp")
	}
	return err
}

// parseAddress turns an outbox address (a JID as received, or a bare 628… number) into a JID.
func parseAddress(s string) (types.JID, error) {
	if !strings.Contains(s, "@") {
		phone, err := ketanmu.NormalizePhone(s)
		if err != nil {
			return types.JID{}, err
		}
		return types.NewJID(phone, types.DefaultUserServer), nil
	}
	j, err := types.ParseJID(s)
	if err != nil {
		return types.JID{}, ketanmu.Errorf(ketanmu.EINVALID, "address %q: %v", s, err)
	}
	return j.ToNonAD(), nil
}

// build makes the message for msg. A file is uploaded once per message ID: the message with the
// upload is kept, and later tries (and retry receipts) send that same message.
func (a *account) build(ctx context.Context, wa sender, msg ketanmu.Outbound, to types.JID) (*waE2E.Message, error) {
	if msg.Media == nil {
		return a.buildText(ctx, msg, to), nil
	}
	if kept, err := a.keptMessage(ctx, msg.ID); err != nil || kept != nil {
		return kept, err
	}
	m, err := a.buildMedia(ctx, wa, msg, to)
	if err != nil {
		return nil, err
	}
	blob, err := proto.Marshal(m)
	if err != nil {
		return nil, err
	}
	if err := a.t.db.putSent(ctx, a.cfg.Key, msg.ID, blob); err != nil {
		return nil, err
	}
	return m, nil
}

func (a *account) keptMessage(ctx context.Context, id string) (*waE2E.Message, error) {
	blob, err := a.t.db.sent(ctx, a.cfg.Key, id)
	if err != nil || blob == nil {
		return nil, err
	}
	var m waE2E.Message
	if err := proto.Unmarshal(blob, &m); err != nil {
		return nil, fmt.Errorf("kept message %s: %w", id, err)
	}
	return &m, nil
}

func (a *account) buildText(ctx context.Context, msg ketanmu.Outbound, to types.JID) *waE2E.Message {
	ci := a.quoteContext(ctx, msg, to)
	if ci == nil {
		return &waE2E.Message{Conversation: proto.String(msg.Text)}
	}
	return &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String(msg.Text), ContextInfo: ci}}
}

// quoteContext makes a reply quote msg.Quote: the quoted message is the bot's own when the
// outbox has it, otherwise the resident's in a one-to-one chat. The bot's own participant is
// named the way the chat addresses people: its LID in an @lid chat or a group that WhatsApp
// addresses by LID, its phone number otherwise.
func (a *account) quoteContext(ctx context.Context, msg ketanmu.Outbound, to types.JID) *waE2E.ContextInfo {
	if msg.Quote == "" {
		return nil
	}
	ci := &waE2E.ContextInfo{StanzaID: proto.String(msg.Quote)}
	if _, err := a.t.outbox.OutboxByID(ctx, msg.Account, msg.Quote); err == nil {
		me := a.self()
		byLID := to.Server == types.HiddenUserServer || (to.Server == types.GroupServer && a.groupMode(to) == types.AddressingModeLID)
		switch {
		case byLID && !me.LID.IsEmpty():
			ci.Participant = proto.String(me.LID.String())
		case !me.PN.IsEmpty():
			ci.Participant = proto.String(me.PN.String())
		}
	} else if to.Server == types.DefaultUserServer || to.Server == types.HiddenUserServer {
		ci.Participant = proto.String(to.String())
	}
	return ci
}

// buildMedia uploads a file and makes its message. JPEG and PNG photos go as photos with their
// size and a preview; anything else, HEIC and WebP included (not every phone shows them as
// photos), goes as a document.
func (a *account) buildMedia(ctx context.Context, wa sender, msg ketanmu.Outbound, to types.JID) (*waE2E.Message, error) {
	f := msg.Media
	kind := whatsmeow.MediaDocument
	var w, h int
	var thumb []byte
	if mt := bot.BaseMime(f.Mime); mt == "image/jpeg" || mt == "image/png" {
		var ok bool
		if w, h, thumb, ok = thumbnail(f.Data); ok {
			kind = whatsmeow.MediaImage
		}
	}
	up, err := wa.Upload(ctx, f.Data, kind)
	if err != nil {
		return nil, fmt.Errorf("upload %s: %w", f.Filename, err)
	}
	ci := a.quoteContext(ctx, msg, to)
	if kind == whatsmeow.MediaImage {
		return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
			Caption: nonEmpty(msg.Text), Mimetype: proto.String(f.Mime), ContextInfo: ci,
			URL: &up.URL, DirectPath: &up.DirectPath, MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: &up.FileLength,
			Width: proto.Uint32(uint32(w)), Height: proto.Uint32(uint32(h)), JPEGThumbnail: thumb,
		}}, nil
	}
	return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
		Caption: nonEmpty(msg.Text), Mimetype: proto.String(f.Mime), ContextInfo: ci,
		FileName: proto.String(f.Filename), Title: proto.String(f.Filename),
		URL: &up.URL, DirectPath: &up.DirectPath, MediaKey: up.MediaKey,
		FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: &up.FileLength,
	}}, nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// messageForRetry serves whatsmeow's GetMessageForRetry: when a recipient could not decrypt
// one of our messages, it is sent again from what the outbox (and the kept uploads) hold, also
// after a restart.
func (a *account) messageForRetry(_, _ types.JID, id types.MessageID) *waE2E.Message {
	ctx, cancel := context.WithTimeout(a.t.ctx, 10*time.Second)
	defer cancel()
	if kept, err := a.keptMessage(ctx, string(id)); err != nil || kept != nil {
		return kept
	}
	it, err := a.t.outbox.OutboxByID(ctx, a.cfg.Key, string(id))
	if err != nil || it.Msg.Revoke != "" || it.MediaID != 0 {
		return nil
	}
	to, err := parseAddress(it.Msg.To())
	if err != nil {
		return nil
	}
	return a.buildText(ctx, it.Msg, to)
}

// typing shows "typing…" for a moment proportional to the text, at most a few seconds.
func typing(ctx context.Context, wa sender, to types.JID, text string) {
	if err := wa.SendChatPresence(ctx, to, types.ChatPresenceComposing, ""); err != nil {
		return
	}
	pause.For(ctx, min(time.Second+time.Duration(len(text))*15*time.Millisecond, 4*time.Second))
}
