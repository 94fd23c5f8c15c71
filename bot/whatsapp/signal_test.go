package whatsapp

import (
	"context"
	"crypto/sha256"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"go.mau.fi/libsignal/ecc"
	"go.mau.fi/libsignal/keys/identity"
	"go.mau.fi/libsignal/keys/prekey"
	"go.mau.fi/libsignal/util/optional"
	"go.mau.fi/whatsmeow"
	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

// Tests that encrypt real Signal messages on a resident's phone (a second whatsmeow device in
// the same SQLite store) and feed the stanzas to the office client's HandleEncryptedMessage:
// whatsmeow decrypts them, keeps the plaintext in its decrypted-event buffer, dispatches the
// message to our handler and, from what it answers, sends the receipt or not.

// phone is a resident's phone: a whatsmeow device that has the office device's keys only
// through a prekey bundle, as WhatsApp's server hands them out.
type phone struct {
	cli *whatsmeow.Client
	jid types.JID
	// lid, when set, is the address WhatsApp delivers the phone's messages from (with the
	// phone number alongside), as it does for most chats now.
	lid types.JID
}

func newPhone(t *testing.T, w *wired) *phone {
	t.Helper()
	dev := w.tr.container.NewDevice()
	jid := types.NewADJID(resident, 0, 3)
	dev.ID = &jid
	dev.Account = w.acc.dev.Account // the store wants an account signature; nothing here checks it
	if err := w.tr.container.PutDevice(context.Background(), dev); err != nil {
		t.Fatalf("PutDevice: %v", err)
	}
	return &phone{cli: whatsmeow.NewClient(dev, nil), jid: jid}
}

// officeBundle is the office device's prekey bundle with one fresh one-time prekey from its store.
func officeBundle(t *testing.T, w *wired) *prekey.Bundle {
	t.Helper()
	dev := w.acc.dev
	pk, err := dev.PreKeys.GenOnePreKey(context.Background())
	if err != nil {
		t.Fatalf("GenOnePreKey: %v", err)
	}
	spk := dev.SignedPreKey
	return prekey.NewBundle(dev.RegistrationID, uint32(dev.ID.Device),
		optional.NewOptionalUint32(pk.KeyID), spk.KeyID, ecc.NewDjbECPublicKey(*pk.Pub),
		ecc.NewDjbECPublicKey(*spk.Pub), *spk.Signature, identity.NewKey(ecc.NewDjbECPublicKey(*dev.IdentityKey.Pub)))
}

// send encrypts m for the office device (starting the session from bundle when not nil) and
// returns the stanza as WhatsApp delivers it, with the type of its <enc> node.
func (p *phone) send(t *testing.T, w *wired, id string, m *waE2E.Message, bundle *prekey.Bundle) (*waBinary.Node, string) {
	t.Helper()
	plain, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	enc, _, err := p.cli.DangerousInternals().EncryptMessageForDevice(context.Background(), plain, *w.acc.dev.ID, bundle, nil, nil)
	if err != nil {
		t.Fatalf("encrypt %s: %v", id, err)
	}
	attrs := waBinary.Attrs{"from": p.jid, "id": id, "t": strconv.FormatInt(epoch.Unix(), 10), "type": "text"}
	if !p.lid.IsEmpty() {
		attrs["from"], attrs["sender_pn"] = p.lid, p.jid.ToNonAD()
	}
	return &waBinary.Node{Tag: "message", Attrs: attrs, Content: []waBinary.Node{*enc}}, enc.Attrs["type"].(string)
}

// from is the address the office device knows the phone's session under.
func (p *phone) from() types.JID {
	if !p.lid.IsEmpty() {
		return p.lid
	}
	return p.jid
}

// answer has the office device reply and the phone decrypt it, which ends the phone's prekey
// phase: its next message is a normal "msg".
func (p *phone) answer(t *testing.T, w *wired) {
	t.Helper()
	ctx := context.Background()
	plain, err := proto.Marshal(text("Baik Bu"))
	if err != nil {
		t.Fatal(err)
	}
	enc, _, err := w.internals().EncryptMessageForDevice(ctx, plain, p.from(), nil, nil, nil)
	if err != nil {
		t.Fatalf("office reply: %v", err)
	}
	if _, _, err := p.cli.DangerousInternals().DecryptDM(ctx, enc, *w.acc.dev.ID, enc.Attrs["type"] == "pkmsg", epoch); err != nil {
		t.Fatalf("phone decrypting the office's reply: %v", err)
	}
}

// acked reports whether whatsmeow tried to send a receipt or an ack for message id (there is no
// connection, so it logs the failed attempt).
func acked(msg, id string) bool {
	return strings.Contains(msg, "receipt for "+id+":") || strings.Contains(msg, "acknowledgement for message "+id+":")
}

// buffered returns the decrypted-event buffer's entry for a stanza: found, and whether it
// still holds the plaintext.
func buffered(t *testing.T, w *wired, stanza *waBinary.Node) (found, plaintext bool) {
	t.Helper()
	enc := stanza.GetChildByTag("enc")
	ev, err := w.cli.Store.EventBuffer.GetBufferedEvent(context.Background(), sha256.Sum256(enc.Content.([]byte)))
	if err != nil {
		t.Fatal(err)
	}
	return ev != nil, ev != nil && ev.Plaintext != nil
}

func TestEncryptedMessageIsAcknowledgedOnlyAfterCommit(t *testing.T) {
	for _, addressing := range []string{"phone number", "lid"} {
		t.Run(addressing, func(t *testing.T) {
			w := newWired(t)
			ph := newPhone(t, w)
			if addressing == "lid" {
				ph.lid = types.NewADJID(resLID, 0, 3)
				ph.lid.Server = types.HiddenUserServer
			}
			var mu sync.Mutex
			stored := map[string]int{} // at the moment of the ack attempt
			w.log.onLog(func(msg string) {
				for _, id := range []string{"E1", "E2"} {
					if acked(msg, id) {
						var n int
						if err := w.db.SQL().QueryRow(`SELECT COUNT(*) FROM messages WHERE wa_id = ?`, id).Scan(&n); err != nil {
							n = -1
						}
						mu.Lock()
						stored[id] = n
						mu.Unlock()
					}
				}
			})
			ctx := context.Background()

			first, kind := ph.send(t, w, "E1", text("halo, mau urus KTP"), officeBundle(t, w))
			if kind != "pkmsg" {
				t.Fatalf("first message is a %s, want pkmsg", kind)
			}
			w.internals().HandleEncryptedMessage(ctx, first)
			ph.answer(t, w)
			second, kind := ph.send(t, w, "E2", text("KTP saya hilang"), nil)
			if kind != "msg" {
				t.Fatalf("message after the office's answer is a %s, want msg", kind)
			}
			w.internals().HandleEncryptedMessage(ctx, second)

			mu.Lock()
			defer mu.Unlock()
			for _, id := range []string{"E1", "E2"} {
				n, tried := stored[id]
				switch {
				case !tried:
					t.Errorf("%s: no acknowledgement attempted", id)
				case n != 1:
					t.Errorf("%s: acknowledged while stored %d times, want 1", id, n)
				}
			}
			var chat, body string
			err := w.db.SQL().QueryRow(`SELECT chat, text FROM messages WHERE wa_id = 'E2'`).Scan(&chat, &body)
			if err != nil || chat != resident || body != "KTP saya hilang" {
				t.Errorf("stored %q in chat %q (%v), want the decrypted plaintext in the resident's chat", body, chat, err)
			}
			if _, kept := buffered(t, w, first); kept {
				t.Error("plaintext of an acknowledged message still in the decrypted-event buffer")
			}
		})
	}
}

// When our handler fails, whatsmeow sends nothing back and keeps the plaintext; the Signal
// session has moved on, so only the buffer can decrypt the redelivered stanza.
func TestFailedEncryptedMessageIsRedeliveredFromTheBuffer(t *testing.T) {
	for _, kind := range []string{"pkmsg", "msg"} {
		t.Run(kind, func(t *testing.T) {
			w := newWired(t)
			ph := newPhone(t, w)
			var acks atomic.Int32
			w.log.onLog(func(msg string) {
				if acked(msg, "F1") {
					acks.Add(1)
				}
			})
			ctx := context.Background()
			var stanza *waBinary.Node
			if kind == "pkmsg" {
				stanza, _ = ph.send(t, w, "F1", text("halo, mau urus KTP"), officeBundle(t, w))
			} else {
				opening, _ := ph.send(t, w, "F0", text("halo"), officeBundle(t, w))
				w.internals().HandleEncryptedMessage(ctx, opening)
				ph.answer(t, w)
				stanza, _ = ph.send(t, w, "F1", text("mau urus KTP"), nil)
			}
			if got := stanza.GetChildByTag("enc").Attrs["type"]; got != kind {
				t.Fatalf("stanza is a %s, want %s", got, kind)
			}

			var tries int
			w.tr.router = routerFunc(func(context.Context, ketanmu.Inbound) (bot.Result, error) {
				tries++
				return bot.Result{}, errors.New("disk I/O error")
			})
			w.internals().HandleEncryptedMessage(ctx, stanza)
			if tries != 1 {
				t.Fatalf("router reached %d times, want 1: the message was not decrypted", tries)
			}
			if n := acks.Load(); n != 0 {
				t.Errorf("acknowledged %d times although the router failed", n)
			}
			if _, kept := buffered(t, w, stanza); !kept {
				t.Error("decrypted-event buffer dropped the plaintext of an unhandled message")
			}

			w.tr.router = w.router
			w.internals().HandleEncryptedMessage(ctx, stanza) // WhatsApp delivers it again
			if n := w.count(t, `SELECT COUNT(*) FROM messages WHERE wa_id = 'F1'`); n != 1 {
				t.Fatalf("redelivered message stored %d times, want 1", n)
			}
			if n := acks.Load(); n != 1 {
				t.Errorf("%d acknowledgements after the redelivery was stored, want 1", n)
			}
			if found, kept := buffered(t, w, stanza); !found || kept {
				t.Errorf("buffer entry found %v with plaintext %v, want the hash kept without plaintext", found, kept)
			}

			// A third copy is recognised as done: acknowledged, not stored again.
			w.internals().HandleEncryptedMessage(ctx, stanza)
			if n := w.count(t, `SELECT COUNT(*) FROM messages WHERE wa_id = 'F1'`); n != 1 {
				t.Errorf("third copy: stored %d times, want 1", n)
			}
			if n := acks.Load(); n != 2 {
				t.Errorf("third copy: %d acknowledgements in all, want 2", n)
			}
		})
	}
}
