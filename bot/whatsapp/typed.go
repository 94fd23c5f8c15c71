package whatsapp

import (
	"crypto/sha256"
	"strings"
	"sync"
	"time"

	"go.mau.fi/whatsmeow/types/events"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

// What the office's own devices send into a resident's chat counts as an operator taking the
// chat only when a person typed it. The router decides what taking a chat means; the transport
// decides which events are a person typing. Edits, deletions and protocol messages never reach
// this point (convert skips them); reactions and WhatsApp Business's automatic greeting and away
// messages are filtered here. Messages from the office's other linked devices (WhatsApp Web on
// an operator's computer) count: a person typed them.

// Automatic Business messages carry no mark in the protocol this whatsmeow build sees: they
// come from the phone itself (device 0) with the same text in one chat after another. A text
// the phone sent in autoChats different chats within autoWindow is taken for one.
const (
	autoChats  = 3
	autoWindow = 24 * time.Hour
)

// notTyped says why a message from the office's own devices is not a person typing, or "".
func (a *account) notTyped(ev *events.Message, r bot.Received) skip {
	if !r.FromMe || ketanmu.IsGroup(r.Chat) || r.Chat == a.cfg.Phone {
		return ""
	}
	if r.File != nil && r.File.Hint == bot.HintReaction {
		return skipOwnReaction
	}
	if ev.Info.Sender.Device != 0 || r.File != nil || strings.HasPrefix(strings.TrimSpace(r.Text), "#") {
		return ""
	}
	if first, auto := a.auto.seen(r.Text, r.Chat, a.t.Now()); auto {
		if first {
			msg := "WhatsApp Business greeting or away messages seem to be on (the office phone sent the same text in several chats): turn them off in the WhatsApp Business app under Business tools, or they would take chats from the bot"
			a.t.log.Error(msg, "account", a.cfg.Key)
			a.t.notes.add(a.cfg.Key, msg)
		}
		return skipAutomatic
	}
	return ""
}

// autoTexts remembers which chats the phone sent each text to recently.
type autoTexts struct {
	mu     sync.Mutex
	chats  map[[32]byte]map[string]time.Time
	warned map[[32]byte]bool
}

// seen records text sent to chat at now and reports whether it looks automatic, and whether
// that is the first time this text was found so.
func (s *autoTexts) seen(text, chat string, now time.Time) (first, auto bool) {
	key := sha256.Sum256([]byte(strings.TrimSpace(text)))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.chats == nil {
		s.chats, s.warned = map[[32]byte]map[string]time.Time{}, map[[32]byte]bool{}
	}
	m := s.chats[key]
	if m == nil {
		m = map[string]time.Time{}
		s.chats[key] = m
	}
	for c, at := range m {
		if now.Sub(at) > autoWindow {
			delete(m, c)
		}
	}
	m[chat] = now
	if len(m) < autoChats {
		return false, false
	}
	first = !s.warned[key]
	s.warned[key] = true
	return first, true
}

// notes are things a person should know about an account besides its state (GET /api/accounts).
type notes struct {
	mu sync.Mutex
	by map[string][]string
}

const maxNotes = 10

func (n *notes) add(account, msg string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.by == nil {
		n.by = map[string][]string{}
	}
	l := append(n.by[account], msg)
	if len(l) > maxNotes {
		l = l[len(l)-maxNotes:]
	}
	n.by[account] = l
}

// Notes lists what a person should know about an account: messages WhatsApp refused for good,
// automatic Business messages seen, newest last.
func (t *Transport) Notes(account string) []string {
	t.notes.mu.Lock()
	defer t.notes.mu.Unlock()
	return append([]string(nil), t.notes.by[account]...)
}
