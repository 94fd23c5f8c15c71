package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
)

// State is a conversation's saved state (stored as JSON).
type State struct {
	// V is the StateVersion the state was saved with (0: before versions).
	V          int       `json:"v,omitempty"`
	Greeted    bool      `json:"greeted,omitempty"`
	Step       string    `json:"step,omitempty"` // "" means idle at the main menu
	Draft      *Draft    `json:"draft,omitempty"`
	Fix        *Fix      `json:"fix,omitempty"` // an operator asked to resend items of a case
	LastActive time.Time `json:"last_active,omitzero"`
	Survey     *Survey   `json:"survey,omitempty"` // the satisfaction survey (flows/survey.go)
	// Cancelled is the application dropped with "batal", kept for "lanjut" until CancelledAt
	// plus the undo window.
	Cancelled   *Draft    `json:"cancelled,omitempty"`
	CancelledAt time.Time `json:"cancelled_at,omitzero"`
	// Misses counts the resident's messages in a row the bot could not place at the main menu.
	Misses int `json:"misses,omitempty"`
}

// Draft is an application being filled in.
type Draft struct {
	Service string   `json:"service"`
	Subtype string   `json:"subtype,omitempty"`
	NIK     string   `json:"nik,omitempty"`
	Name    string   `json:"name,omitempty"`
	Docs    []DocRef `json:"docs,omitempty"`
	Extras  []DocRef `json:"extras,omitempty"`
	// Pending is a photo waiting for the resident to say which document it is.
	Pending     *Pending `json:"pending,omitempty"`
	Lacks       []string `json:"lacks,omitempty"` // documents the resident said they do not have
	Notes       string   `json:"notes,omitempty"`
	Delivery    string   `json:"delivery,omitempty"` // pickup | post
	Address     string   `json:"address,omitempty"`
	Desa        string   `json:"desa,omitempty"`      // official name, "Desa Pungging"
	DesaCode    string   `json:"desa_code,omitempty"` // Kemendagri code, 10 digits
	Kecamatan   string   `json:"kecamatan,omitempty"`
	KecCode     string   `json:"kec_code,omitempty"` // Kemendagri code, 6 digits
	Postal      string   `json:"postal,omitempty"`   // 5 digits, or "-" when the resident does not know it
	Choices     []string `json:"choices,omitempty"`  // village codes offered as a numbered list
	Reason      string   `json:"reason,omitempty"`   // validasi_nik: where the NIK failed
	Category    string   `json:"category,omitempty"` // pengaduan
	Description string   `json:"description,omitempty"`
	Warnings    []string `json:"warnings,omitempty"`
	// Fields are the answers to the variant's fields (Options.Fields), by key.
	Fields  map[string]string `json:"fields,omitempty"`
	Editing bool              `json:"editing,omitempty"` // came back from the summary with "ubah"
	Paused  string            `json:"paused,omitempty"`  // the step to resume after expiry or menu
}

// turn carries one step's work: the input, the environment and what is being produced.
type turn struct {
	e   *Engine
	env Env
	in  Input
	st  State
	res Result
	// text is the input's text, trimmed; word is it lowercased without trailing punctuation.
	text, word string
	// fromText is set when free text (not a menu number) started the service.
	fromText bool
	// casesLoaded is set once env.Cases holds the resident's cases (see Env.LoadCases).
	casesLoaded bool
}

// cases are the resident's own cases, newest first, loaded on first use.
func (t *turn) cases() []CaseInfo {
	if !t.casesLoaded {
		t.casesLoaded = true
		if t.env.LoadCases != nil {
			t.env.Cases = t.env.LoadCases()
		}
	}
	return t.env.Cases
}

func (t *turn) say(s string)                     { t.res.Replies = append(t.res.Replies, s) }
func (t *turn) sayf(key string, pairs ...string) { t.say(t.e.text(key, pairs...)) }
func (t *turn) do(eff Effect)                    { t.res.Effects = append(t.res.Effects, eff) }

// Step handles one input and returns the new state, the replies and the effects.
func (e *Engine) Step(env Env, st State, in Input) Result {
	t := &turn{e: e, env: env, in: in, st: st}
	t.text = strings.TrimSpace(in.Text)
	t.word = normalizeWord(t.text)
	t.forgetCancelled()
	t.run()
	t.st.LastActive = env.Now
	t.res.State = t.st
	return t.res
}

func (t *turn) run() {
	if !t.st.Greeted {
		t.first()
		return
	}
	if t.st.Step == stepCancel && t.cancelAnswer() {
		return
	}
	if t.recoverStep() || t.expired() {
		return
	}
	if t.in.Kind == ketanmu.KindText && (t.surveyWord() || t.globalWord() || t.smallTalk()) {
		return
	}
	if t.st.Fix != nil && t.st.Step == "" && (t.in.Kind == ketanmu.KindImage || t.in.Kind == ketanmu.KindDocument) {
		t.st.Step = "fix@items" // a photo after wandering off is most likely the one the operator asked for
	}
	t.continueFlow()
}

// first answers the chat's first message: the greeting, then what the message asked for, or
// the menu.
func (t *turn) first() {
	t.st.Greeted = true
	t.say(t.e.greeting())
	if t.in.Kind == ketanmu.KindText && t.salam() {
		t.say(t.e.menu(t.env.Account))
		return
	}
	if t.in.Kind == ketanmu.KindText && (t.globalWord() || t.menuNumber() || t.startFromText()) {
		return
	}
	if t.in.Kind != ketanmu.KindText {
		t.wrongKind("") // a file or a sticker first: say what became of it, then the menu
		return
	}
	if english(t.word) {
		t.sayf("english") // a visitor writing in English first gets a word they can read
	}
	t.say(t.e.menu(t.env.Account))
}

// continueFlow hands the message to the flow the chat is in.
func (t *turn) continueFlow() {
	flow, step, _ := strings.Cut(t.st.Step, "@")
	switch flow {
	case "":
		t.idle()
	case "resume":
		t.resume()
	case "info":
		t.info()
	case "existing":
		t.existing()
	case "pengaduan":
		t.complaint(step)
	case "fix":
		t.fix()
	case "privasi":
		t.privacyStep(step)
	case "skm":
		t.survey()
	default:
		t.application(step)
	}
}

// expired pauses a draft left idle longer than flows.idle_timeout and asks whether to continue.
func (t *turn) expired() bool {
	idle := t.e.opt.IdleTimeout
	if t.st.Draft == nil || t.st.Step == "" || strings.HasPrefix(t.st.Step, "resume") || strings.HasPrefix(t.st.Step, "fix") ||
		strings.HasPrefix(t.st.Step, "skm") ||
		idle <= 0 || t.env.Now.Sub(t.st.LastActive) < idle {
		return false
	}
	if t.st.Draft.blank() {
		return false // nothing answered yet: "continue or start over" would be the same question
	}
	t.pause()
	t.sayf("resume_prompt", "service", t.e.serviceName(t.st.Draft.Service))
	return true
}

// pause keeps the draft and leaves the flow; resume brings it back.
func (t *turn) pause() {
	if t.st.Draft != nil && !strings.HasPrefix(t.st.Step, "resume") && t.st.Step != "" {
		t.st.Draft.Paused = t.st.Step
	}
	t.st.Step = "resume"
}

func (t *turn) resume() {
	d := t.st.Draft
	switch {
	case d == nil || d.Paused == "":
		t.st.Step = ""
		t.idle()
	case t.word == "1" || t.word == "lanjut" || t.word == "lanjutkan" || t.word == "ya":
		t.st.Step, d.Paused = d.Paused, ""
		t.prompt()
	case t.word == "2" || t.word == "baru" || t.word == "ulang" || t.word == "mulai baru":
		service := d.Service
		t.st.Draft, t.st.Step = nil, ""
		t.startService(service, true)
	default:
		t.sayf("choose_number", "max", "2")
		t.sayf("resume_prompt", "service", t.e.serviceName(d.Service))
	}
}

// openCase is the resident's newest case still in progress, if any.
func (t *turn) openCase() (CaseInfo, bool) {
	for _, c := range t.cases() {
		if c.Open() {
			return c, true
		}
	}
	return CaseInfo{}, false
}

// globalWord handles the words that work in every state.
func (t *turn) globalWord() bool {
	if t.privacyWord() || t.resendWord() || t.undoCancel() {
		return true
	}
	switch t.word {
	case "menu", "mulai", "start":
		if t.st.Draft != nil && t.st.Step != "" && t.st.Step != "resume" {
			t.st.Draft.Paused = t.st.Step
		}
		if t.st.Draft != nil && t.st.Draft.blank() {
			t.st.Draft = nil // nothing to offer to continue
		}
		t.st.Step = ""
		t.say(t.e.menu(t.env.Account))
	case "batal", "cancel", "stop", "batalkan":
		t.cancelWord()
	case "kembali", "back", "balik":
		t.back()
	case "petugas", "operator", "admin", "cs":
		t.do(NeedHuman{Reason: t.st.Step})
		t.sayf("human_requested", "hours", t.e.hoursText())
	case "bantuan", "help", "tolong":
		t.help()
	default:
		return false
	}
	return true
}

func (t *turn) help() {
	hint := t.e.text("help_idle")
	if t.st.Step != "" {
		hint = t.stepHint()
	}
	t.sayf("help", "hint", hint)
}

// idle handles a message at the main menu: a menu number, a registration number, or free text.
func (t *turn) idle() {
	if t.in.Kind != ketanmu.KindText {
		if t.attachToTicket() {
			return
		}
		t.wrongKind("")
		return
	}
	if t.menuNumber() || t.startFromText() {
		t.st.Misses = 0
		return
	}
	if english(t.word) {
		t.sayf("english")
	} else {
		t.sayf("not_understood")
	}
	if t.st.Misses++; t.st.Misses == stuckAfter {
		// Twice not placed: a person looks at the chat, and the resident knows it.
		t.do(NeedHuman{Reason: "stuck", Stuck: true})
		t.sayf("stuck_forwarded")
	}
	t.say(t.e.menu(t.env.Account))
}

// stuckAfter is how many messages in a row the bot may fail to place before a person is asked
// to look at the chat.
const stuckAfter = 2

// menuNumber starts the service a main-menu number picks; it reports whether the message was a
// number (out of range: the menu again).
func (t *turn) menuNumber() bool {
	n, err := strconv.Atoi(t.word)
	if err != nil {
		return false
	}
	items := t.e.Menu(t.env.Account)
	if n >= 1 && n <= len(items) {
		t.startService(items[n-1].Key, false)
		return true
	}
	t.sayf("menu_number", "max", strconv.Itoa(len(items)))
	t.say(t.e.menu(t.env.Account))
	return true
}

// salam answers a first message that is only a greeting such as "assalamualaikum".
func (t *turn) salam() bool {
	if slices.Contains(salamWords, strings.ReplaceAll(t.word, "'", "")) {
		t.sayf("salam_reply")
		return true
	}
	return false
}

// startFromText starts what free text asks for; false when it asks for nothing clear.
func (t *turn) startFromText() bool {
	if ketanmu.CaseNumberPattern.MatchString(t.text) || t.word == "cek" || t.word == "status" {
		t.status()
		return true
	}
	key := t.e.intents.Classify(t.text)
	switch {
	case key != "unknown" && !t.e.serves(t.env.Account, key):
		// Never start this number's own service for a request it does not serve.
		phone := t.e.phoneFor(key)
		t.sayf("other_number", "service", t.e.serviceName(key), "phone", phone, "link", "wa.me/"+phone)
		return false
	case key == "unknown":
		// A number serving one service starts it directly, from the first message on.
		if key = t.e.onlyService(t.env.Account); key == "" {
			return false
		}
	}
	if key == "info" {
		if topic := infoTopic(t.word); topic != "" {
			t.st.Step = "info@topic"
			t.answerInfo(topic)
			return true
		}
	}
	t.fromText = true
	t.startService(key, false)
	return true
}

// startService opens a service's flow, or shows an open case of the same service first.
func (t *turn) startService(key string, fresh bool) {
	switch key {
	case "info":
		t.st.Step = "info@topic"
		t.sayf("info_menu")
		return
	case "status":
		t.status()
		return
	}
	if d := t.st.Draft; d != nil && d.Service == key && d.Paused != "" && !fresh {
		t.st.Step = "resume"
		t.sayf("resume_prompt", "service", t.e.serviceName(key))
		return
	}
	if !fresh {
		for _, c := range t.cases() {
			if c.Service == key && c.Open() {
				t.st.Step = "existing@" + key
				t.say(t.e.caseStatus(c))
				if text, ok := t.e.opt.Texts.Lookup("existing_case_"+key, "service", t.e.serviceName(key)); ok {
					t.say(text) // a complaint is followed up, not an application
				} else {
					t.sayf("existing_case", "service", t.e.serviceName(key))
				}
				return
			}
		}
	}
	t.st.Draft = &Draft{Service: key}
	if key == "pengaduan" {
		t.st.Step = "pengaduan@category"
	} else {
		t.st.Step = key + "@" + t.e.firstStep(key)
	}
	if t.fromText && t.st.Step == key+"@subtype" {
		// "ktp saya ilang" names the sub-type too: no need to ask.
		if sub := t.e.subtypeFromText(key, t.word); sub != "" {
			t.takeSubtype(sub)
			return
		}
	}
	t.prompt()
}

// existing answers after an open case was shown: "baru" starts a new application anyway.
func (t *turn) existing() {
	_, key, _ := strings.Cut(t.st.Step, "@")
	if t.word == "baru" {
		t.st.Step = ""
		t.startService(key, true)
		return
	}
	t.st.Step = ""
	t.idle()
}

var trimPunct = strings.NewReplacer(".", "", "!", "", "?", "", ",", "", "*", "", "_", "")

func normalizeWord(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(trimPunct.Replace(s))), " ")
}
