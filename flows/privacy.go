package flows

import (
	"strings"
	"unicode/utf8"

	"github.com/ketanmu/ketanmu"
)

// The privacy flow's steps (knownStep accepts exactly these).
const (
	stepPrivacyChoice = "privasi@choice"
	stepPrivacyFix    = "privasi@perbaikan"
	stepPrivacyErase  = "privasi@penghapusan"
)

// The privacy flow (UU 27/2022): in every state the word "privasi" shows the resident what the
// office holds about them, masked, and lets them ask for a correction or a deletion. Such a
// request becomes a case for the operators, answered within 3 × 24 hours.
//
// It plugs into the step dispatcher with two calls: globalWord asks privacyWord first, and the
// run switch sends the "privasi" flow to privacyStep. The router carries out the two effects.

// PrivacySummary asks the router to fill {privacy_data} with what the office holds about the
// resident of the chat.
type PrivacySummary struct{}

// PrivacyRequest asks for a case: Kind is "perbaikan" (correction) or "penghapusan" (deletion),
// Text the resident's own words. The router fills {number} and {due} (the deadline).
type PrivacyRequest struct {
	Kind string
	Text string
}

func (PrivacySummary) effect() {}
func (PrivacyRequest) effect() {}

// minPrivacyText is the shortest request we accept: enough to say what is wrong.
const minPrivacyText = 5

// privacyWord handles "privasi" in every state, and the escape words inside the privacy flow
// (which has no draft of its own to go back through).
func (t *turn) privacyWord() bool {
	switch t.word {
	case "privasi", "privacy", "data saya", "data pribadi":
		if d := t.st.Draft; d != nil && t.st.Step != "" && !strings.HasPrefix(t.st.Step, "resume") &&
			!strings.HasPrefix(t.st.Step, "privasi") {
			d.Paused = t.st.Step // "menu" offers to continue it afterwards
		}
		t.st.Step = stepPrivacyChoice
		if t.e.privacyNoticeKey() != "privacy" {
			t.say(t.e.privacyText("privacy")) // the greeting showed the short notice only
		}
		t.do(PrivacySummary{})
		t.sayf("privacy_summary", "retention", t.e.opt.RetentionText)
		t.sayf("privacy_choice")
		return true
	}
	if !strings.HasPrefix(t.st.Step, "privasi@") {
		return false
	}
	switch t.word {
	case "kembali", "back", "balik":
		t.st.Step = ""
		t.say(t.e.menu(t.env.Account))
		return true
	case "bantuan", "help", "tolong":
		t.privacyPrompt()
		return true
	}
	return false
}

// privacyStep handles an answer inside the privacy flow.
func (t *turn) privacyStep(step string) {
	if t.in.Kind != ketanmu.KindText {
		t.privacyPrompt()
		return
	}
	switch step {
	case "choice":
		switch t.word {
		case "1", "perbaikan", "perbaiki", "koreksi":
			t.st.Step = stepPrivacyFix
		case "2", "penghapusan", "hapus":
			t.st.Step = stepPrivacyErase
		default:
			t.st.Step = ""
			t.idle()
			return
		}
		t.privacyPrompt()
	case "perbaikan", "penghapusan":
		if utf8.RuneCountInString(t.text) < minPrivacyText {
			t.privacyPrompt()
			return
		}
		t.do(PrivacyRequest{Kind: step, Text: t.text})
		t.st.Step = ""
		t.sayf("privacy_received")
	default:
		t.st.Step = ""
		t.idle()
	}
}

// privacyPrompt repeats the question of the current privacy step.
func (t *turn) privacyPrompt() {
	switch t.st.Step {
	case stepPrivacyFix:
		t.sayf("privacy_ask_perbaikan")
	case stepPrivacyErase:
		t.sayf("privacy_ask_penghapusan")
	default:
		t.sayf("privacy_choice")
	}
}

// privacyNoticeKey is the text the greeting shows: the short notice when the office has one,
// else the full text.
func (e *Engine) privacyNoticeKey() string {
	if _, ok := e.opt.Texts["privacy_notice"]; ok {
		return "privacy_notice"
	}
	return "privacy"
}

func (e *Engine) privacyText(key string) string {
	return e.text(key, "retention", e.opt.RetentionText, "office", e.opt.Office.ShortName, "address", e.opt.Office.Address)
}
