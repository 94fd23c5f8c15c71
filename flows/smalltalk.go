package flows

import (
	"slices"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
)

// thanksWords and salamWords are whole messages that ask for nothing but a polite answer.
var (
	thanksWords = []string{"terima kasih", "terimakasih", "makasih", "makasi", "trima kasih", "thanks", "thank you",
		"matur nuwun", "maturnuwun", "suwun", "nuwun", "tengkyu", "terima kasih banyak", "makasih banyak",
		"terima kasih bu", "terima kasih pak", "makasih bu", "makasih pak", "oke terima kasih", "ok terima kasih"}
	salamWords = []string{"assalamualaikum", "assalamu alaikum", "assalamualaikum wr wb", "assalamu'alaikum",
		"asalamualaikum", "assalamualaikum warahmatullahi wabarakatuh", "salam"}
)

// smallTalk answers thanks and greetings in any state without disturbing it; it reports
// whether it answered.
func (t *turn) smallTalk() bool {
	w := strings.ReplaceAll(t.word, "'", "")
	switch {
	case slices.Contains(thanksWords, w):
		t.sayf("thanks_reply")
	case slices.Contains(salamWords, w) || slices.Contains(salamWords, t.word):
		t.sayf("salam_reply")
		if t.st.Step == "" {
			t.say(t.e.menu(t.env.Account))
		}
	default:
		return false
	}
	return true
}

// englishWords mark a message written in English: a few of them and no Indonesian service word.
var englishWords = []string{"hello", "hi", "please", "i", "my", "want", "need", "how", "what", "where", "the",
	"is", "can", "you", "do", "english", "help me", "card", "identity", "birth", "certificate", "lost", "apply"}

// english reports whether text reads as English (two or more English words, most of the message).
func english(word string) bool {
	fields := strings.Fields(word)
	n := 0
	for _, f := range fields {
		if slices.Contains(englishWords, f) {
			n++
		}
	}
	return n >= 2 && n*2 >= len(fields)
}

// attachToTicket takes a photo sent right after a complaint was filed as part of it: residents
// send the ticket's second photo before reading the ticket. It reports whether it did.
func (t *turn) attachToTicket() bool {
	m := t.in.Media
	if m == nil || len(t.cases()) == 0 || (t.in.Kind != ketanmu.KindImage && t.in.Kind != ketanmu.KindDocument) {
		return false
	}
	c := t.cases()[0]
	if c.Service != "pengaduan" || !c.Open() || t.env.Now.Sub(c.CreatedAt) > ticketAttachWindow {
		return false
	}
	if p := t.e.mediaProblem(m); p != "" {
		t.say(p)
		return true
	}
	t.do(AddDocuments{Number: c.Number, Documents: []DocRef{{Key: "lampiran", MessageID: t.in.ID, SHA256: m.SHA256}}})
	t.sayf("ticket_photo_added", "number", c.Number)
	return true
}

// ticketAttachWindow is how long after a complaint a photo still belongs to it.
const ticketAttachWindow = 15 * time.Minute
