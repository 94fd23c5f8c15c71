package flows

import (
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
)

// undoWindow is how long after a confirmed "batal" the application can be brought back with
// "lanjut": long enough for a resident who misread the question, short enough that the draft
// is not kept for nothing.
const undoWindow = 10 * time.Minute

// stepCancel is the state of the question "Yakin dibatalkan?".
const stepCancel = "batal@confirm"

// cancelWord handles "batal": a half-filled application is asked about first; with nothing
// answered yet, or nothing being filled in, it acts at once.
func (t *turn) cancelWord() {
	d := t.st.Draft
	if d != nil && !d.blank() && t.st.Step != "" && t.st.Step != "resume" && t.st.Step != stepCancel {
		d.Paused = t.st.Step
		t.st.Step = stepCancel
		t.sayf("cancel_confirm", "service", t.e.serviceName(d.Service))
		return
	}
	t.st.Draft, t.st.Step = nil, ""
	if d != nil {
		t.sayf("cancelled")
	} else if c, ok := t.openCase(); ok {
		// Nothing being filled in: a submitted case goes on, and only a person withdraws it.
		t.sayf("cancel_submitted", "number", c.Number)
	}
	t.say(t.e.menu(t.env.Account))
}

// cancelAnswer answers "Yakin dibatalkan?": yes cancels, no goes back to the question that was
// open. Any other message is not an answer: the question that was open takes it. It reports
// whether it answered.
func (t *turn) cancelAnswer() bool {
	d := t.st.Draft
	if d == nil {
		t.st.Step = ""
		return false
	}
	t.st.Step, d.Paused = d.Paused, ""
	if t.in.Kind != ketanmu.KindText {
		return false
	}
	switch {
	case confirms(t.word) || t.word == "batal" || t.word == "yakin":
		t.cancelDraft()
	case isNo(t.word) || t.word == "lanjut" || t.word == "lanjutkan" || t.word == "jangan":
		t.prompt()
	default:
		return false
	}
	return true
}

// cancelDraft drops the application, keeping it a few minutes for "lanjut".
func (t *turn) cancelDraft() {
	if t.st.Draft != nil && t.st.Step != "" {
		t.st.Draft.Paused = t.st.Step // where "lanjut" brings it back
	}
	t.st.Cancelled, t.st.CancelledAt = t.st.Draft, t.env.Now
	t.st.Draft, t.st.Step = nil, ""
	t.sayf("cancelled_undo", "minutes", strings.TrimSuffix(undoWindow.String(), "m0s"))
	t.say(t.e.menu(t.env.Account))
}

// undoCancel brings back an application cancelled within the undo window ("lanjut"); it reports
// whether it did.
func (t *turn) undoCancel() bool {
	c := t.st.Cancelled
	if c == nil || t.st.Draft != nil || (t.word != "lanjut" && t.word != "lanjutkan" && t.word != "batal batal") {
		return false
	}
	t.st.Draft, t.st.Cancelled, t.st.CancelledAt = c, nil, time.Time{}
	t.st.Step, c.Paused = c.Paused, ""
	t.sayf("cancel_undone", "service", t.e.serviceName(c.Service))
	t.prompt()
	return true
}

// forgetCancelled drops a cancelled application once the undo window has passed: it holds
// personal data nobody may bring back any more.
func (t *turn) forgetCancelled() {
	if t.st.Cancelled != nil && t.env.Now.Sub(t.st.CancelledAt) > undoWindow {
		t.st.Cancelled, t.st.CancelledAt = nil, time.Time{}
	}
}
