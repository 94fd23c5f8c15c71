package bot

import (
	"context"
	"mime"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// The one input path: every transport describes a received message as a Received, and Intake
// decides what the router gets from it. Which files the office takes, the size limit, the names
// of what it does not take and the screening of the bot's own sends and of stale messages live
// here, so that the simulator answers exactly as WhatsApp does.

// Hint is what a transport says an attachment is, before anyone has looked at its bytes: the
// message type WhatsApp announced, or for the simulator the type its mime implies.
type Hint string

// Attachment hints. The last group are never files the office takes.
const (
	HintImage    Hint = "image"
	HintDocument Hint = "document"
	HintSticker  Hint = "sticker"
	HintVoice    Hint = "voice"
	HintAudio    Hint = "audio"
	HintVideo    Hint = "video"
	HintGIF      Hint = "gif"
	HintLocation Hint = "location"
	HintContact  Hint = "contact"
	HintPoll     Hint = "poll"
	HintReaction Hint = "reaction"
	// HintViewOnce is a "view once" photo or video: WhatsApp does not give it to linked devices.
	HintViewOnce Hint = "view_once"
)

// Unsupported names given to the flows (Inbound.Unsupported) besides the hints.
const (
	UnsupportedTooLarge       = "too_large"
	UnsupportedDownloadFailed = "download_failed"
	UnsupportedFile           = "file" // a document of a type the office does not take
)

// Attachment is a file as announced with the message: enough to decide whether to fetch it.
type Attachment struct {
	Hint     Hint
	Mime     string
	Filename string
	Size     int64 // announced size; 0 when unknown
}

// Received is a message as a transport got it, in neutral terms.
type Received struct {
	Account string
	ID      string
	Chat    string
	Address string
	LID     string
	Sender  string
	FromMe  bool
	At      time.Time // when it was sent; zero: now
	Text    string    // text or caption
	Quote   string
	File    *Attachment
}

// Skip names why a received message is not handed to the router; "" means it is.
type Skip string

// Reasons Intake skips a message. None is answered, none is stored.
const (
	SkipOwnSend Skip = "own_send"
	SkipTooOld  Skip = "too_old"
)

// SentLookup finds a message the bot queued, by its transport ID; *store.DB satisfies it.
type SentLookup interface {
	OutboxByID(ctx context.Context, account, waID string) (store.OutboxItem, error)
}

var _ SentLookup = (*store.DB)(nil)

// MaxClockAhead is how far in the future a transport's time for a message may be before it is
// not believed: phones' clocks drift by seconds to minutes, not more.
const MaxClockAhead = 5 * time.Minute

// Intake turns received messages into the router's inbound messages.
type Intake struct {
	MaxMedia int64         // storage.max_media_bytes
	MaxAge   time.Duration // whatsapp.offline_max_age: older messages are left to the operators
	Now      func() time.Time
	Sent     SentLookup
}

// Take returns the inbound message for r, or why it is skipped. When the inbound has Media
// without Data, the transport must fetch the file (and may call WithData) before the router
// sees it. An error (the outbox look-up failed) means nothing was decided: try again later.
func (k *Intake) Take(ctx context.Context, r Received) (ketanmu.Inbound, Skip, error) {
	if r.FromMe && k.Sent != nil {
		_, err := k.Sent.OutboxByID(ctx, r.Account, r.ID)
		switch ketanmu.ErrorCode(err) {
		case "":
			return ketanmu.Inbound{}, SkipOwnSend, nil
		case ketanmu.ENOTFOUND:
		default:
			return ketanmu.Inbound{}, "", err
		}
	}
	if k.Now != nil && r.At.After(k.Now().Add(MaxClockAhead)) {
		// A sender's clock (or a forged stamp) far ahead: the message is dated when we got it,
		// so that retention and deadlines run on a time we trust.
		r.At = k.Now()
	}
	if k.MaxAge > 0 && !r.At.IsZero() && k.Now != nil && k.Now().Sub(r.At) > k.MaxAge {
		return ketanmu.Inbound{}, SkipTooOld, nil
	}
	in := ketanmu.Inbound{Account: r.Account, ID: r.ID, Chat: r.Chat, Address: r.Address, LID: r.LID,
		Sender: r.Sender, FromMe: r.FromMe, Kind: ketanmu.KindText, Text: r.Text, Quote: r.Quote, At: r.At}
	if r.File != nil {
		k.attach(&in, *r.File)
	}
	return in, "", nil
}

// attach decides what the router gets for a file: a photo or PDF to fetch, or a polite
// "unsupported" with the reason.
func (k *Intake) attach(in *ketanmu.Inbound, f Attachment) {
	mt := BaseMime(f.Mime)
	unsupported := func(what string) {
		in.Kind, in.Unsupported, in.Text, in.Media = ketanmu.KindUnsupported, what, "", nil
	}
	var kind ketanmu.Kind
	switch f.Hint {
	case HintImage:
		kind = ketanmu.KindImage
	case HintDocument:
		switch {
		case strings.HasPrefix(mt, "image/"):
			kind = ketanmu.KindImage // a photo sent "as document": full quality, welcome
		case mt == "application/pdf":
			kind = ketanmu.KindDocument
		default:
			unsupported(UnsupportedFile)
			return
		}
	case "":
		unsupported("")
		return
	default:
		unsupported(string(f.Hint))
		return
	}
	if k.MaxMedia > 0 && f.Size > k.MaxMedia {
		// Announced over the limit: not fetched at all.
		unsupported(UnsupportedTooLarge)
		return
	}
	name := f.Filename
	if name == "" {
		name = FileName(in.ID, mt)
	}
	in.Kind = kind
	in.Media = &ketanmu.Media{Mime: mt, Filename: name, Size: f.Size}
}

// WithData completes in with its fetched file, or turns it into a "too large" input when the
// file is bigger than announced and over the limit.
func (k *Intake) WithData(in ketanmu.Inbound, data []byte) ketanmu.Inbound {
	if k.MaxMedia > 0 && int64(len(data)) > k.MaxMedia {
		in.Kind, in.Unsupported, in.Text, in.Media = ketanmu.KindUnsupported, UnsupportedTooLarge, "", nil
		return in
	}
	var m ketanmu.Media
	if in.Media != nil {
		m = *in.Media
	}
	m.Data, m.Size = data, int64(len(data))
	in.Media = &m
	return in
}

// DownloadFailed turns in into the input that tells the resident a file could not be read.
func DownloadFailed(in ketanmu.Inbound) ketanmu.Inbound {
	in.Kind, in.Unsupported, in.Text, in.Media = ketanmu.KindUnsupported, UnsupportedDownloadFailed, "", nil
	return in
}

// HintOfMime is the attachment hint for a file known only by its mime type (the simulator's
// upload): what WhatsApp would have delivered it as.
func HintOfMime(mimeType string) Hint {
	mt := BaseMime(mimeType)
	switch {
	case mt == "image/webp":
		return HintSticker // WhatsApp's stickers are WebP; a WebP photo arrives as a document
	case mt == "image/gif":
		return HintGIF
	case strings.HasPrefix(mt, "image/"):
		return HintImage
	case mt == "audio/ogg":
		return HintVoice // a voice note: Opus in Ogg
	case strings.HasPrefix(mt, "audio/"):
		return HintAudio
	case strings.HasPrefix(mt, "video/"):
		return HintVideo
	}
	return HintDocument
}

// BaseMime drops parameters and case: "Image/JPEG; charset=…" → "image/jpeg".
func BaseMime(s string) string {
	if mt, _, err := mime.ParseMediaType(s); err == nil {
		return mt
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// FileName invents a file name for a file that came without one (WhatsApp sends none for
// photos), short enough to read back to the resident and distinct per message.
func FileName(id, mimeType string) string {
	ext := ".jpg"
	switch BaseMime(mimeType) {
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
	return "foto-" + suffix + ext
}
