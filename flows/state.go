package flows

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// StateVersion is the version of the saved State: its shape and its step names. Bump it when a
// step is renamed or removed, and record the old name in renamedSteps, so that a draft saved by
// the release before resumes where it was.
//
// Version 1 had no version field; version 2 added it.
const StateVersion = 2

// renamedSteps maps a step name of an older release to the step it became.
var renamedSteps = map[string]string{}

// LoadState reads a conversation's saved state; an empty one is a new conversation. A state that
// is not valid JSON is an error, never a silent fresh start.
func LoadState(raw []byte) (State, error) {
	var st State
	if len(raw) == 0 {
		return st, nil
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return State{}, fmt.Errorf("conversation state: %w", err)
	}
	if st.V < StateVersion {
		st.Step = upgradeStep(st.Step)
		if st.Draft != nil {
			st.Draft.Paused = upgradeStep(st.Draft.Paused)
		}
	}
	return st, nil
}

// SaveState writes a state for LoadState, stamped with the current version.
func SaveState(st State) ([]byte, error) {
	st.V = StateVersion
	return json.Marshal(st)
}

func upgradeStep(step string) string {
	flow, name, ok := strings.Cut(step, "@")
	if to, renamed := renamedSteps[name]; ok && renamed {
		return flow + "@" + to
	}
	return step
}

// knownStep reports whether st names a step this release has.
func (e *Engine) knownStep(st State) bool {
	flow, step, _ := strings.Cut(st.Step, "@")
	switch flow {
	case "":
		return true
	case "resume":
		// A draft paused at "resume" itself would send this check round for ever (a stack
		// overflow cannot be recovered): it is not a step to resume at.
		p := st.Draft
		return p != nil && (p.Paused == "" || (!strings.HasPrefix(p.Paused, "resume") && e.knownStep(State{Step: p.Paused, Draft: p})))
	case "info":
		if svc, ok := strings.CutPrefix(step, "req_"); ok {
			_, known := e.opt.Services[svc]
			return known
		}
		return step == "topic" || step == "req"
	case "existing":
		_, ok := e.opt.Services[step]
		return ok
	case "fix":
		return st.Fix != nil && step == "items"
	case "privasi":
		return slices.Contains([]string{stepPrivacyChoice, stepPrivacyFix, stepPrivacyErase}, st.Step)
	case "skm":
		return e.knownSurveyStep(st)
	case "batal":
		return st.Step == stepCancel && st.Draft != nil && st.Draft.Paused != stepCancel
	}
	d := st.Draft
	if d == nil || d.Service != flow {
		return false
	}
	if _, ok := e.opt.Services[flow]; !ok {
		return false
	}
	all := e.steps(&Draft{Service: d.Service, Delivery: "post"})
	return step == "edit" || step == "nik_check" || step == "nik_married" || step == "desa_pick" || slices.Contains(all, step) ||
		slices.Contains(e.allFieldSteps(d.Service), step)
}

// recoverStep handles a state saved by another release whose step this one does not have: the
// draft resumes at its first unanswered question, or, when its service is gone, the resident is
// told plainly to start again. It reports whether it answered.
func (t *turn) recoverStep() bool {
	if t.e.knownStep(t.st) {
		return false
	}
	d := t.st.Draft
	if d != nil {
		if _, ok := t.e.opt.Services[d.Service]; ok {
			d.Paused, d.Editing = "", false
			flow := d.Service
			t.st.Step = flow + "@" + t.e.firstUnanswered(d)
			t.sayf("state_changed")
			t.prompt()
			return true
		}
	}
	t.st.Draft, t.st.Step, t.st.Fix, t.st.Survey = nil, "", nil, nil
	t.sayf("state_restart")
	t.say(t.e.menu(t.env.Account))
	return true
}

// firstUnanswered is the first step of a draft whose answer is missing, or the summary.
func (e *Engine) firstUnanswered(d *Draft) string {
	for _, step := range e.steps(d) {
		var missing bool
		switch step {
		case "subtype":
			missing = d.Subtype == ""
		case "reason":
			missing = d.Reason == ""
		case "nik":
			missing = d.NIK == ""
		case "name":
			missing = d.Name == ""
		case "docs":
			missing = len(e.missingDocs(d)) > 0
		case "delivery":
			missing = d.Delivery == ""
		case "address":
			missing = d.Address == ""
		case "desa":
			missing = d.Desa == ""
		case "kecamatan":
			missing = d.Kecamatan == ""
		case "postal":
			missing = d.Postal == ""
		case "category":
			missing = d.Category == ""
		case "description":
			missing = d.Description == ""
		default:
			key, ok := strings.CutPrefix(step, "f_")
			missing = ok && d.Fields[key] == ""
		}
		if missing {
			return step
		}
	}
	if d.Service == "pengaduan" {
		return "photo"
	}
	return "confirm"
}
