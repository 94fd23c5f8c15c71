package flows

import (
	"strconv"
	"strings"

	"github.com/ketanmu/ketanmu"
)

// info answers the information menu: requirements, address and hours, fees, recording, legalisir.
func (t *turn) info() {
	if t.in.Kind != ketanmu.KindText {
		t.wrongKind(t.e.text("info_menu"))
		return
	}
	e := t.e
	switch t.word {
	case "1":
		var parts []string
		for _, key := range []string{"kk_ktp", "pindah_datang", "akta", "validasi_nik"} {
			if _, ok := e.opt.Services[key]; !ok {
				continue
			}
			subs := e.opt.Services[key].Subtypes
			if len(subs) == 0 {
				parts = append(parts, e.requirements(key, ""))
			}
			for _, st := range subs {
				parts = append(parts, e.requirements(key, st.Key))
			}
		}
		t.say(strings.Join(parts, "\n\n"))
	case "2":
		t.sayf("info_office", "office", e.opt.Office.Name, "address", e.opt.Office.Address, "hours", e.hoursText())
	case "3":
		t.sayf("info_fees", "fee", e.text("fee_delivery"))
	case "4":
		t.sayf("info_recording", "address", e.opt.Office.Address, "hours", e.hoursText())
	case "5":
		t.sayf("info_legalisir")
	default:
		if _, err := strconv.Atoi(t.word); err == nil {
			// A number, but not a topic: the resident is still choosing in this menu.
			t.sayf("choose_number", "max", "5")
			t.sayf("info_menu")
			return
		}
		// Not an info topic: treat it as a fresh request from the menu.
		t.st.Step = ""
		t.idle()
		return
	}
	t.st.Step = ""
	t.sayf("info_more")
}

// status shows one of the resident's cases by number, or all their open cases.
func (t *turn) status() {
	t.st.Step = ""
	if m := ketanmu.CaseNumberPattern.FindString(t.text); m != "" {
		number := strings.ToUpper(m)
		for _, c := range t.env.Cases {
			if c.Number == number {
				t.say(t.e.caseStatus(c))
				return
			}
		}
		t.sayf("status_not_found", "number", number)
		return
	}
	var open []string
	for _, c := range t.env.Cases {
		if c.Open() {
			open = append(open, t.e.caseStatus(c))
		}
	}
	if len(open) == 0 {
		t.sayf("status_none")
		return
	}
	t.say(strings.Join(open, "\n\n"))
	t.sayf("status_more")
}

// caseStatus describes a case in plain Indonesian: stage, history, what comes next and by when.
func (e *Engine) caseStatus(c CaseInfo) string {
	lines := []string{"*" + c.Number + "* — " + e.serviceName(c.Service)}
	if n := e.subtypeName(c.Service, c.Subtype); n != "" {
		lines[0] += " — " + n // subtype names carry their own parentheses
	}
	lines = append(lines, e.text("status_stage", "stage", e.text("stage_"+string(c.Stage))))
	if c.Queue > 0 {
		lines = append(lines, e.text("status_queue", "queue", strconv.Itoa(c.Queue)))
	}
	if c.Open() && !c.Due.IsZero() {
		lines = append(lines, e.text("status_due", "due", e.dateText(c.Due)))
	}
	if len(c.History) > 0 {
		lines = append(lines, e.text("status_history"))
		for _, h := range c.History {
			line := "• " + e.dateTimeText(h.At) + " — " + e.text("stage_"+string(h.Stage))
			if h.Reason != "" {
				line += " (" + h.Reason + ")"
			}
			lines = append(lines, line)
		}
	}
	if next, ok := e.opt.Texts.Lookup("next_" + string(c.Stage)); ok {
		lines = append(lines, next)
	}
	return strings.Join(lines, "\n")
}
