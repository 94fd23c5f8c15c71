package whatsapp

import (
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

// skip names why an event is not handed to the router; "" means it is.
type skip string

// Reasons for not handing a message to the router. Each is acknowledged to WhatsApp: none of
// them is a message the office has to answer.
const (
	skipStatus     skip = "status_broadcast"
	skipBroadcast  skip = "broadcast_list"
	skipNewsletter skip = "newsletter"
	skipBot        skip = "bot"
	skipServer     skip = "unsupported_server"
	skipGroup      skip = "other_group"
	skipEdit       skip = "edit"
	skipRevoke     skip = "revoke"
	skipProtocol   skip = "protocol"
	skipEmpty      skip = "no_content"
	skipUnknown    skip = "unknown_type"
	skipUnreacted  skip = "reaction_removed"
	skipSelfOther  skip = "self_chat_not_from_me"
	skipOwnSend    skip = skip(bot.SkipOwnSend)
	skipTooOld     skip = skip(bot.SkipTooOld)
	// Sent from the office's own devices but not typed by a person: they must not take the chat.
	skipOwnReaction  skip = "own_reaction"
	skipAutomatic    skip = "automatic_business_message"
	skipOwnNonPerson skip = "own_not_typed"
)

// converted is a WhatsApp message in the router's terms. When media is set, the file still has
// to be downloaded (and in.Media filled) before the router may see in.
type converted struct {
	in    ketanmu.Inbound
	media *mediaRef
}

// mediaRef is what downloading a file needs: the sub-message with its keys and paths, and the
// size and hash WhatsApp announced.
type mediaRef struct {
	Image    *waE2E.ImageMessage    `json:"image,omitempty"`
	Document *waE2E.DocumentMessage `json:"document,omitempty"`
}

// content fills the text, quote and announced file of r from the message body, or says why
// there is nothing to hand over. The returned ref is what downloading the file needs; whether
// the file is wanted at all is the intake's decision.
func content(m *waE2E.Message, isEdit bool, r *bot.Received) (*mediaRef, skip) {
	if m == nil {
		return nil, skipEmpty
	}
	if isEdit {
		return nil, skipEdit
	}
	if p := m.GetProtocolMessage(); p != nil {
		switch p.GetType() {
		case waE2E.ProtocolMessage_REVOKE:
			return nil, skipRevoke
		case waE2E.ProtocolMessage_MESSAGE_EDIT:
			return nil, skipEdit
		}
		return nil, skipProtocol
	}
	hint := func(h bot.Hint) (*mediaRef, skip) {
		r.File = &bot.Attachment{Hint: h}
		return nil, ""
	}
	switch {
	case m.Conversation != nil:
		r.Text = m.GetConversation()
	case m.ExtendedTextMessage != nil:
		x := m.GetExtendedTextMessage()
		r.Text, r.Quote = x.GetText(), x.GetContextInfo().GetStanzaID()
	case m.ImageMessage != nil:
		img := m.GetImageMessage()
		r.Text, r.Quote = img.GetCaption(), img.GetContextInfo().GetStanzaID()
		if img.GetViewOnce() {
			return hint(bot.HintViewOnce)
		}
		r.File = &bot.Attachment{Hint: bot.HintImage, Mime: img.GetMimetype(), Size: int64(img.GetFileLength())}
		return &mediaRef{Image: img}, ""
	case m.DocumentMessage != nil:
		doc := m.GetDocumentMessage()
		r.Text, r.Quote = doc.GetCaption(), doc.GetContextInfo().GetStanzaID()
		name := doc.GetFileName()
		if name == "" {
			name = doc.GetTitle()
		}
		r.File = &bot.Attachment{Hint: bot.HintDocument, Mime: doc.GetMimetype(), Filename: name, Size: int64(doc.GetFileLength())}
		return &mediaRef{Document: doc}, ""
	case m.StickerMessage != nil:
		return hint(bot.HintSticker)
	case m.AudioMessage != nil:
		if m.GetAudioMessage().GetPTT() {
			return hint(bot.HintVoice)
		}
		return hint(bot.HintAudio)
	case m.VideoMessage != nil, m.PtvMessage != nil:
		if m.GetVideoMessage().GetGifPlayback() {
			return hint(bot.HintGIF)
		}
		return hint(bot.HintVideo)
	case m.LocationMessage != nil, m.LiveLocationMessage != nil:
		return hint(bot.HintLocation)
	case m.ContactMessage != nil, m.ContactsArrayMessage != nil:
		return hint(bot.HintContact)
	case m.PollCreationMessage != nil, m.PollCreationMessageV2 != nil, m.PollCreationMessageV3 != nil,
		m.PollCreationMessageV5 != nil, m.PollUpdateMessage != nil:
		return hint(bot.HintPoll)
	case m.ReactionMessage != nil:
		if m.GetReactionMessage().GetText() == "" {
			return nil, skipUnreacted
		}
		return hint(bot.HintReaction)
	case m.SenderKeyDistributionMessage != nil, m.MessageContextInfo != nil:
		// Key material and metadata travel alone too; there is nothing to answer.
		return nil, skipEmpty
	default:
		return nil, skipUnknown
	}
	return nil, ""
}

// eventContent is content applied to an event, which may hold an edit.
func eventContent(ev *events.Message, r *bot.Received) (*mediaRef, skip) {
	edit := ev.IsEdit || ev.Info.Edit == types.EditAttributeMessageEdit || ev.Info.Edit == types.EditAttributeAdminEdit
	return content(ev.Message, edit, r)
}
