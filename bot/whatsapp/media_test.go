package whatsapp

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"testing"

	"go.mau.fi/whatsmeow"
	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/ketanmu/ketanmu"
)

// Photos go out as photos with their size and a preview; what not every phone shows as a photo
// (HEIC, WebP, anything that does not decode) goes as a document.
func TestSentPhotosCarrySizeAndThumbnail(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	photo := tinyPNG(t)
	tests := []struct {
		mime, name string
		data       []byte
		asImage    bool
	}{
		{"image/png", "kk.png", photo, true},
		{"image/heic", "kk.heic", []byte("\x00\x00\x00\x18ftypheic"), false},
		{"image/webp", "kk.webp", []byte("RIFF0000WEBPVP8 "), false},
		{"image/jpeg", "rusak.jpg", []byte("not a jpeg"), false},
	}
	for _, tt := range tests {
		id := ketanmu.NewMessageID()
		if err := e.tr.Send(ctx, ketanmu.Outbound{ID: id, Account: accKey, Chat: resident,
			Media: &ketanmu.Media{Mime: tt.mime, Filename: tt.name, Data: tt.data}}); err != nil {
			t.Fatalf("%s: %v", tt.mime, err)
		}
		sends := e.wa.Sends()
		m := sends[len(sends)-1].Msg
		if got := m.GetImageMessage() != nil; got != tt.asImage {
			t.Errorf("%s sent as image = %v, want %v", tt.mime, got, tt.asImage)
			continue
		}
		if !tt.asImage {
			if m.GetDocumentMessage().GetFileName() != tt.name {
				t.Errorf("%s: document %v", tt.mime, m.GetDocumentMessage())
			}
			continue
		}
		img := m.GetImageMessage()
		if img.GetWidth() != 8 || img.GetHeight() != 8 || len(img.GetJPEGThumbnail()) == 0 {
			t.Errorf("%s: width %d height %d thumbnail %d bytes", tt.mime, img.GetWidth(), img.GetHeight(), len(img.GetJPEGThumbnail()))
		}
	}
}

// Quoting the bot's own message names the bot the way the chat addresses people.
func TestQuoteOfOwnMessageNamesTheRightParticipant(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	own := ketanmu.NewMessageID()
	mustQueue(t, e, ketanmu.Outbound{ID: own, Account: accKey, Chat: opsGroup, Text: "Kartu KTP-261125-0001"})
	group := types.NewJID("120363000000000101", types.GroupServer)
	quote := func(to types.JID) string {
		ci := e.acc.quoteContext(ctx, ketanmu.Outbound{Account: accKey, Quote: own}, to)
		return ci.GetParticipant()
	}
	if got := quote(group); got != ownPN.String() {
		t.Errorf("phone-number group: participant %s, want %s", got, ownPN)
	}
	// A member's message shows WhatsApp addressing the group by LID.
	lidMember := types.NewJID("204000000000055", types.HiddenUserServer)
	ev := groupMsg("GL1", group, lidMember, text("siap"))
	ev.Info.AddressingMode = types.AddressingModeLID
	if !e.acc.handleMessage(ev) {
		t.Fatal("group message not acknowledged")
	}
	if got := quote(group); got != ownLID.String() {
		t.Errorf("LID group: participant %s, want %s", got, ownLID)
	}
	if got := quote(residentLID); got != ownLID.String() {
		t.Errorf("@lid chat: participant %s, want %s", got, ownLID)
	}
}

// A file announced without a SHA-256 cannot be checked: it is not stored.
func TestFileWithoutHashIsNotStored(t *testing.T) {
	e := newEnv(t)
	data := tinyPNG(t)
	e.dl.files = map[string][]byte{"/v/nohash": data}
	m := imageMsg("KK", data, "/v/nohash")
	m.ImageMessage.FileSHA256 = nil
	if !e.acc.handleMessage(dm("NH1", residentPN, types.EmptyJID, m)) {
		t.Fatal("not acknowledged")
	}
	if _, err := e.tr.drainInbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM media`); n != 0 {
		t.Errorf("media rows = %d: a file without a hash was stored", n)
	}
}

// sealMediaRetry encrypts the phone's answer to a media retry request the way WhatsApp does:
// AES-GCM under an HKDF of the file's media key, the message ID as additional data.
func sealMediaRetry(t *testing.T, mediaKey []byte, id string, notif *waMmsRetry.MediaRetryNotification) (ciphertext, iv []byte) {
	t.Helper()
	key, err := hkdf.Key(sha256.New, mediaKey, nil, "WhatsApp Media Retry Notification", 32)
	if err != nil {
		t.Fatal(err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := proto.Marshal(notif)
	if err != nil {
		t.Fatal(err)
	}
	iv = bytes.Repeat([]byte{9}, gcm.NonceSize())
	return gcm.Seal(nil, iv, plain, []byte(id)), iv
}

// An expired file link is recovered through a media retry: the phone uploads the file again
// and whatsmeow's notification parsing hands the new path to the inbox.
func TestMediaRetryThroughWhatsmeow(t *testing.T) {
	w := newWired(t)
	ctx := context.Background()
	data := tinyPNG(t)
	m := imageMsg("KK", data, "/v/expired")
	w.dl.err = whatsmeow.ErrMediaDownloadFailedWith410
	if !w.acc.handleMessage(dm("MR1", residentPN, types.EmptyJID, m)) {
		t.Fatal("not acknowledged")
	}
	if _, err := w.tr.drainInbox(ctx); err != nil {
		t.Fatal(err)
	}
	if n := w.tr.count(t, `SELECT COUNT(*) FROM ketanmu_inbox WHERE media_retry = 1`); n != 1 {
		t.Fatalf("no media retry requested (rows %d)", n)
	}
	ct, iv := sealMediaRetry(t, m.ImageMessage.GetMediaKey(), "MR1", &waMmsRetry.MediaRetryNotification{
		StanzaID: proto.String("MR1"), DirectPath: proto.String("/v/fresh"),
		Result: waMmsRetry.MediaRetryNotification_SUCCESS.Enum()})
	w.internals().HandleMediaRetryNotification(ctx, &waBinary.Node{Tag: "receipt",
		Attrs: waBinary.Attrs{"id": "MR1", "t": fmt.Sprint(epoch.Unix()), "type": "server-error"},
		Content: []waBinary.Node{
			{Tag: "rmr", Attrs: waBinary.Attrs{"jid": residentPN, "from_me": "false"}},
			{Tag: "encrypt", Content: []waBinary.Node{{Tag: "enc_p", Content: ct}, {Tag: "enc_iv", Content: iv}}},
		}})
	w.dl.mu.Lock()
	w.dl.err, w.dl.files = nil, map[string][]byte{"/v/fresh": data}
	w.dl.mu.Unlock()
	if _, err := w.tr.drainInbox(ctx); err != nil {
		t.Fatal(err)
	}
	var kind string
	var size int64
	if err := w.db.SQL().QueryRow(`SELECT m.kind, md.size FROM messages m JOIN media md ON md.id = m.media_id WHERE m.wa_id = 'MR1'`).Scan(&kind, &size); err != nil {
		t.Fatalf("file not stored after the media retry: %v", err)
	}
	if kind != "image" || size != int64(len(data)) {
		t.Errorf("stored %s of %d bytes, want image of %d", kind, size, len(data))
	}
}
