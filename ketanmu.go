// Package ketanmu holds the domain vocabulary shared by every part of the service: inbound and
// outbound messages, cases and their stages, staff and their roles, the audit log, phone
// numbers and coded errors. It does no I/O; adapters (SQLite, WhatsApp,
// HTTP) live in their own packages and meet here.
package ketanmu

import (
	"crypto/rand"
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"sync/atomic"
	"time"
)

// Version is the program version, overridden at build time with -ldflags "-X".
var Version = "0.1.0-dev"

// ExampleConfig is config.example.yaml: the documented superset of every key and the source of
// every default, so an office only writes what it changes.
//
//go:embed config.example.yaml
var ExampleConfig []byte

// Kind tells what a resident or operator sent.
type Kind string

// Message kinds. Unsupported covers what the flows cannot use (voice notes, stickers, video,
// locations, contacts, polls, reactions); Unsupported names which in Inbound.Unsupported.
const (
	KindText        Kind = "text"
	KindImage       Kind = "image"
	KindDocument    Kind = "document"
	KindUnsupported Kind = "unsupported"
)

// Media is a photo or file attached to a message. Data is only held in memory on the way in and
// out; at rest it is encrypted in the store.
type Media struct {
	Mime     string
	Filename string
	Size     int64
	SHA256   string // hex
	Data     []byte
}

// Inbound is one message as the router receives it from a transport.
type Inbound struct {
	Account string // account key from config
	ID      string // the transport's message ID (WhatsApp's), unique per account
	// Chat names the conversation: a resident's phone in 62… form, an @lid address when the
	// phone is unknown, or an operators' group id.
	Chat string
	// Address is where replies go, as the transport received it (a JID); empty means Chat.
	Address string
	// LID is the resident's WhatsApp LID (…@lid) when known, kept as an alias of the phone.
	LID         string
	Sender      string // in a group: the member's phone; otherwise empty
	FromMe      bool   // typed on the office phone (or by the office in a group)
	Kind        Kind
	Text        string // text or caption
	Media       *Media
	Unsupported string // sticker, voice, video, location, contact, poll, reaction…
	Quote       string // ID of the quoted message, if any
	At          time.Time
}

// Outbound is one message the bot queues; ID is fixed before the first send and reused on every
// retry so WhatsApp sees one message however often we try.
type Outbound struct {
	ID      string
	Account string
	Chat    string
	Address string // transport address; empty means Chat
	Text    string
	Media   *Media
	// MediaID sends a file already in the store (a case's photo) without storing it again.
	MediaID int64
	Quote   string
	// Revoke, when set, names a message to delete for everyone instead of sending text.
	Revoke string
	// CardOf, when set, is the case this message is a card (or card photo) of: operators quote
	// it to act on the case. It is recorded when the message is queued.
	CardOf int64
	// Lane is the outbox queue the message waits in; empty lets the router decide.
	Lane Lane
	// Proactive marks a message to a resident who has not written lately: nobody just asked
	// for it, so it also spends the proactive budget.
	Proactive bool
}

// Lane is one of the outbox's queues of an account. Each has its own budget, so that a busy
// hour of one kind of traffic never holds up another: a resident waiting for the bot's answer
// does not wait behind the operators' case cards or the morning digest.
type Lane string

// Lanes, most urgent first.
const (
	// LaneRevoke deletes an operator's command typed in a resident's chat.
	LaneRevoke Lane = "revoke"
	// LaneReply answers a resident's own message in that chat.
	LaneReply Lane = "reply"
	// LaneNotification tells a resident about a step of their case.
	LaneNotification Lane = "notification"
	// LaneOperators goes to the operators' group, the office phone's own chat or an operator.
	LaneOperators Lane = "operators"
	// LaneBulk carries what jobs send: reminders, escalations, the digest.
	LaneBulk Lane = "bulk"
)

// Lanes lists every lane, most urgent first.
var Lanes = []Lane{LaneRevoke, LaneReply, LaneNotification, LaneOperators, LaneBulk}

// To returns where the message goes on the wire.
func (o Outbound) To() string {
	if o.Address != "" {
		return o.Address
	}
	return o.Chat
}

// NewMessageID returns an ID for an outbound message in the shape WhatsApp Web's IDs have (3EB0
// and 18 upper-case hex digits, as whatsmeow's GenerateMessageID makes them), for every
// transport. Unlike those, successive IDs ascend: 14 digits count microseconds since 1970 (or
// one past the last ID, if that is later, so two calls never share them), and 4 are random,
// keeping IDs apart should the clock step back across a restart. The outbox finds a message
// by its ID, so random IDs put each queued message in a random page of that index, one more
// page written by nearly every commit; ascending ones are appended at its end.
func NewMessageID() string {
	now := time.Now().UnixMicro()
	var seq int64
	for {
		last := idClock.Load()
		if seq = max(last+1, now); idClock.CompareAndSwap(last, seq) {
			break
		}
	}
	var b [10]byte // the count's low 56 bits (microseconds until the year 4253), then 2 random bytes
	binary.BigEndian.PutUint64(b[:8], uint64(seq))
	if _, err := rand.Read(b[8:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return "3EB0" + strings.ToUpper(hex.EncodeToString(b[1:]))
}

// idClock is the last count NewMessageID used.
var idClock atomic.Int64
