package whatsapp

import (
	"fmt"
	"mime"
	"strings"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/ketanmu/ketanmu"
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
	skipOwnSend    skip = "own_send"
	skipTooOld     skip = "too_old"
)

// Unsupported names given to the flows (Inbound.Unsupported).
const (
	TooLarge       = "too_large"
	DownloadFailed = "download_failed"
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

// content fills the kind, text, quote and (when a file must be fetched) media of in from the
// message body. maxMedia is the configured size limit.
func content(m *waE2E.Message, isEdit bool, in *ketanmu.Inbound, maxMedia int64) (*mediaRef, skip) {
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
	unsupported := func(what string) (*mediaRef, skip) {
		in.Kind, in.Unsupported = ketanmu.KindUnsupported, what
		return nil, ""
	}
	switch {
	case m.Conversation != nil:
		in.Kind, in.Text = ketanmu.KindText, m.GetConversation()
	case m.ExtendedTextMessage != nil:
		x := m.GetExtendedTextMessage()
		in.Kind, in.Text, in.Quote = ketanmu.KindText, x.GetText(), x.GetContextInfo().GetStanzaID()
	case m.ImageMessage != nil:
		img := m.GetImageMessage()
		in.Text, in.Quote = img.GetCaption(), img.GetContextInfo().GetStanzaID()
		return fileMedia(in, ketanmu.KindImage, img.GetMimetype(), imageName(in.ID, img.GetMimetype()),
			img.GetFileLength(), maxMedia, &mediaRef{Image: img})
	case m.DocumentMessage != nil:
		doc := m.GetDocumentMessage()
		in.Text, in.Quote = doc.GetCaption(), doc.GetContextInfo().GetStanzaID()
		mt := baseMime(doc.GetMimetype())
		kind := ketanmu.KindDocument
		switch {
		case strings.HasPrefix(mt, "image/"):
			kind = ketanmu.KindImage // a photo sent "as document": full quality, welcome
		case mt != "application/pdf":
			in.Text = ""
			return unsupported("file")
		}
		name := doc.GetFileName()
		if name == "" {
			name = doc.GetTitle()
		}
		if name == "" {
			name = imageName(in.ID, mt)
		}
		return fileMedia(in, kind, mt, name, doc.GetFileLength(), maxMedia, &mediaRef{Document: doc})
	case m.StickerMessage != nil:
		return unsupported("sticker")
	case m.AudioMessage != nil:
		if m.GetAudioMessage().GetPTT() {
			return unsupported("voice")
		}
		return unsupported("audio")
	case m.VideoMessage != nil, m.PtvMessage != nil:
		return unsupported("video")
	case m.LocationMessage != nil, m.LiveLocationMessage != nil:
		return unsupported("location")
	case m.ContactMessage != nil, m.ContactsArrayMessage != nil:
		return unsupported("contact")
	case m.PollCreationMessage != nil, m.PollCreationMessageV2 != nil, m.PollCreationMessageV3 != nil,
		m.PollCreationMessageV5 != nil, m.PollUpdateMessage != nil:
		return unsupported("poll")
	case m.ReactionMessage != nil:
		if m.GetReactionMessage().GetText() == "" {
			return nil, skipUnreacted
		}
		return unsupported("reaction")
	case m.SenderKeyDistributionMessage != nil, m.MessageContextInfo != nil:
		// Key material and metadata travel alone too; there is nothing to answer.
		return nil, skipEmpty
	default:
		return nil, skipUnknown
	}
	return nil, ""
}

// fileMedia sets in up for a photo or PDF. Over the size limit, announced by the message
// itself, the file is not downloaded: the router gets an empty "too_large" input instead.
func fileMedia(in *ketanmu.Inbound, kind ketanmu.Kind, mimeType, name string, size uint64, maxMedia int64, ref *mediaRef) (*mediaRef, skip) {
	if maxMedia > 0 && size > uint64(maxMedia) {
		in.Kind, in.Unsupported, in.Text = ketanmu.KindUnsupported, TooLarge, ""
		return nil, ""
	}
	in.Kind = kind
	in.Media = &ketanmu.Media{Mime: baseMime(mimeType), Filename: name, Size: int64(size)}
	return ref, ""
}

// baseMime drops parameters: "image/jpeg; charset=…" → "image/jpeg".
func baseMime(s string) string {
	if mt, _, err := mime.ParseMediaType(s); err == nil {
		return mt
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// imageName invents a file name for a photo (WhatsApp sends none), short enough to read back
// to the resident and distinct per message.
func imageName(id, mimeType string) string {
	ext := ".jpg"
	switch baseMime(mimeType) {
	case "image/png":
		ext = ".png"
	case "image/webp":
		ext = ".webp"
	case "image/heic":
		ext = ".heic"
	case "application/pdf":
		ext = ".pdf"
	}
	suffix := strings.ToLower(id)
	if len(suffix) > 6 {
		suffix = suffix[len(suffix)-6:]
	}
	return fmt.Sprintf("foto-%s%s", suffix, ext)
}

// eventContent is content applied to an event, which may hold an edit.
func eventContent(ev *events.Message, in *ketanmu.Inbound, maxMedia int64) (*mediaRef, skip) {
	edit := ev.IsEdit || ev.Info.Edit == types.EditAttributeMessageEdit || ev.Info.Edit == types.EditAttributeAdminEdit
	return content(ev.Message, edit, in, maxMedia)
}
