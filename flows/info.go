package flows

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ketanmu/ketanmu"
)

// infoTopics are the information menu's entries, in its order.
var infoTopics = []string{"requirements", "office", "fees", "recording", "legalisir", "kuasa", "ikd"}

// infoWords name a topic in free text; the first topic whose word appears wins, so that "berapa
// biaya legalisir?" is about legalisir.
var infoWords = []struct {
	topic string
	words []string
}{
	{"legalisir", []string{"legalisir", "legalisasi", "legalisirnya"}},
	{"ikd", []string{"ikd", "digital", "aktivasi", "aktifasi"}},
	{"kuasa", []string{"kuasa", "diwakilkan", "mewakilkan", "diwakili", "titip", "dititipkan"}},
	{"recording", []string{"rekam", "perekaman", "merekam"}},
	{"fees", []string{"biaya", "bayar", "tarif", "ongkos", "ongkir", "gratis", "cod", "harga"}},
	{"office", []string{"jam", "buka", "tutup", "alamat", "lokasi", "dimana", "libur", "kantor", "jadwal"}},
	{"requirements", []string{"syarat", "persyaratan", "prosedur"}},
}

// infoTopic reads the topic a free-text question asks about; "" when it names none.
func infoTopic(word string) string {
	words := strings.Fields(word)
	for _, iw := range infoWords {
		if slices.ContainsFunc(words, func(w string) bool { return slices.Contains(iw.words, w) }) {
			return iw.topic
		}
	}
	return ""
}

// info answers the information menu. The menu stays open after an answer, so that another
// number picks another topic instead of a main-menu service.
func (t *turn) info() {
	if t.in.Kind != ketanmu.KindText {
		t.wrongKind(t.e.text("info_menu"))
		return
	}
	_, step, _ := strings.Cut(t.st.Step, "@")
	switch {
	case step == "req":
		t.infoRequirements()
		return
	case strings.HasPrefix(step, "req_"):
		t.infoSubtype(strings.TrimPrefix(step, "req_"))
		return
	}
	if n, err := strconv.Atoi(t.word); err == nil {
		if n < 1 || n > len(infoTopics) {
			t.sayf("choose_number", "max", strconv.Itoa(len(infoTopics)))
			t.sayf("info_menu")
			return
		}
		t.answerInfo(infoTopics[n-1])
		return
	}
	if topic := infoTopic(t.word); topic != "" {
		t.answerInfo(topic)
		return
	}
	// Not an info topic: treat it as a fresh request from the menu.
	t.st.Step = ""
	t.idle()
}

// answerInfo answers one topic and keeps the information menu open.
func (t *turn) answerInfo(topic string) {
	e := t.e
	switch topic {
	case "requirements":
		t.st.Step = "info@req"
		t.say(e.text("info_requirements") + "\n" + numbered(e.infoServiceNames()))
		return
	case "office":
		t.sayf("info_office", "office", e.opt.Office.Name, "address", e.opt.Office.Address, "hours", e.hoursText(),
			"service_hours", e.serviceHoursText())
	case "fees":
		t.sayf("info_fees", "fee", e.text("fee_delivery"))
	case "recording":
		t.sayf("info_recording", "address", e.opt.Office.Address, "hours", e.deskHours("perekaman"))
	case "legalisir":
		t.sayf("info_legalisir", e.feePairs()...)
	case "kuasa":
		t.sayf("info_kuasa", "counter", e.opt.Office.PickupCounter, "hours", e.deskHours("pengambilan"))
	case "ikd":
		t.sayf("info_ikd", "address", e.opt.Office.Address, "hours", e.deskHours("perekaman"))
	}
	t.st.Step = "info@topic"
	t.sayf("info_more")
}

// infoServices are the services whose requirements the information menu shows.
func (e *Engine) infoServices() []string {
	var out []string
	for _, key := range e.opt.MenuOrder {
		if _, ok := e.opt.Services[key]; ok && key != "pengaduan" && key != "privasi" {
			out = append(out, key)
		}
	}
	return out
}

func (e *Engine) infoServiceNames() []string {
	var out []string
	for _, key := range e.infoServices() {
		out = append(out, e.serviceName(key))
	}
	return out
}

// infoRequirements asks which service's requirements to show, then its sub-type.
func (t *turn) infoRequirements() {
	keys := t.e.infoServices()
	i := pick(t.word, len(keys), func(i int) string { return t.e.serviceName(keys[i]) })
	if i < 0 {
		t.sayf("choose_number", "max", strconv.Itoa(len(keys)))
		t.say(t.e.text("info_requirements") + "\n" + numbered(t.e.infoServiceNames()))
		return
	}
	key := keys[i]
	if len(t.e.opt.Services[key].Subtypes) == 0 {
		t.say(t.e.requirements(key, ""))
		t.st.Step = "info@topic"
		t.sayf("info_more")
		return
	}
	t.st.Step = "info@req_" + key
	t.say(t.e.text("ask_subtype", "service", t.e.serviceName(key)) + "\n" + numbered(t.e.subtypeNames(key)))
}

func (t *turn) infoSubtype(service string) {
	subs := t.e.opt.Services[service].Subtypes
	i := pick(t.word, len(subs), func(i int) string { return subs[i].Name })
	if i < 0 {
		t.sayf("choose_number", "max", strconv.Itoa(len(subs)))
		t.say(t.e.text("ask_subtype", "service", t.e.serviceName(service)) + "\n" + numbered(t.e.subtypeNames(service)))
		return
	}
	t.say(t.e.requirements(service, subs[i].Key))
	t.st.Step = "info@topic"
	t.sayf("info_more")
}

// status shows one of the resident's cases by number, or all their open cases.
func (t *turn) status() {
	t.st.Step = ""
	if m := ketanmu.CaseNumberPattern.FindString(t.text); m != "" {
		number := strings.ToUpper(m)
		for _, c := range t.cases() {
			if c.Number == number {
				t.say(t.e.caseStatus(c))
				return
			}
		}
		t.sayf("status_not_found", "number", number)
		return
	}
	var open []string
	for _, c := range t.cases() {
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
	// The service's own next step first (a complaint is followed up, not processed), then the
	// workflow's (PAK POS goes on to the signature where POS KETANMU ships), then the stage's.
	next, ok := e.opt.Texts.Lookup("next_" + string(c.Stage) + "_" + c.Service)
	if !ok {
		next, ok = e.opt.Texts.Lookup("next_" + string(c.Stage) + "_" + e.opt.Services[c.Service].Profile.Name)
	}
	if !ok {
		next, ok = e.opt.Texts.Lookup("next_" + string(c.Stage))
	}
	if ok {
		lines = append(lines, next)
	}
	return strings.Join(lines, "\n")
}
