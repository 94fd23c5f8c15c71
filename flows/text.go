package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/sla"
)

// text returns the configured text with {name} placeholders filled from pairs.
func (e *Engine) text(key string, pairs ...string) string { return e.opt.Texts.Get(key, pairs...) }

func (e *Engine) greeting() string {
	return e.text("greeting", "office", e.opt.Office.ShortName) + "\n\n" + e.privacyText(e.privacyNoticeKey())
}

// MenuItem is one numbered entry of an account's main menu.
type MenuItem struct {
	Key   string // service key, "info" or "status"
	Label string
}

// Menu lists the account's services in the fixed order, then information and status.
func (e *Engine) Menu(acc Account) []MenuItem {
	var items []MenuItem
	for _, key := range e.opt.MenuOrder {
		if slices.Contains(acc.Services, key) {
			items = append(items, MenuItem{Key: key, Label: e.opt.Services[key].Name})
		}
	}
	return append(items, MenuItem{"info", e.text("menu_info")}, MenuItem{"status", e.text("menu_status")})
}

func (e *Engine) menu(acc Account) string {
	var labels []string
	for _, it := range e.Menu(acc) {
		labels = append(labels, it.Label)
	}
	return e.text("menu_header") + "\n" + numbered(labels) + "\n\n" + e.text("menu_footer")
}

func (e *Engine) serves(acc Account, key string) bool {
	return key == "info" || key == "status" || slices.Contains(acc.Services, key)
}

// onlyService returns the account's service when it serves exactly one.
func (e *Engine) onlyService(acc Account) string {
	if len(acc.Services) == 1 {
		return acc.Services[0]
	}
	return ""
}

// phoneFor returns the phone (628…) of the account dedicated to the service (the one serving the
// fewest services), for residents who wrote to a number that does not serve it.
func (e *Engine) phoneFor(service string) string {
	// The number dedicated to the service (fewest services) is the one to recommend.
	phone, best := "", 0
	for _, a := range e.opt.Accounts {
		if slices.Contains(a.Services, service) && (phone == "" || len(a.Services) < best) {
			phone, best = a.Phone, len(a.Services)
		}
	}
	return phone
}

func (e *Engine) serviceName(key string) string {
	if s, ok := e.opt.Services[key]; ok {
		return s.Name
	}
	return key
}

func (e *Engine) subtypeNames(service string) []string {
	var out []string
	for _, st := range e.opt.Services[service].Subtypes {
		out = append(out, st.Name)
	}
	return out
}

func (e *Engine) subtypeName(service, subtype string) string {
	for _, st := range e.opt.Services[service].Subtypes {
		if st.Key == subtype {
			return st.Name
		}
	}
	return ""
}

// requirements lists what a sub-type needs, with the visit note where one applies.
func (e *Engine) requirements(service, subtype string) string {
	d := &Draft{Service: service, Subtype: subtype}
	var names []string
	for _, slot := range e.slots(d) {
		var alts []string
		for _, k := range slot {
			alts = append(alts, e.docName(k))
		}
		names = append(names, strings.Join(alts, e.text("doc_or")))
	}
	title := e.serviceName(service)
	if n := e.subtypeName(service, subtype); n != "" {
		title = n
	}
	s := e.text("requirements", "service", title) + "\n" + numbered(names)
	if v := e.visitText(d); v != "" {
		s += "\n\n⚠️ " + v
	}
	return s
}

func (e *Engine) visitText(d *Draft) string {
	for _, st := range e.opt.Services[d.Service].Subtypes {
		if st.Key == d.Subtype && st.Visit != "" {
			return ketanmu.Fill(st.Visit, append(e.feePairs(), "address", e.opt.Office.Address, "hours", e.hoursText())...)
		}
	}
	return ""
}

// feePairs are the office's fees as placeholders ({fee_<key>}, office.fees), as the case
// service's notices fill them.
func (e *Engine) feePairs() []string {
	var pairs []string
	for k, v := range e.opt.Office.Fees {
		pairs = append(pairs, "fee_"+k, v)
	}
	return pairs
}

// summary shows the draft for confirmation; the NIK is shown in full to its owner only.
func (e *Engine) summary(d *Draft) string {
	lines := []string{e.text("summary_title"), "• " + e.text("field_service") + ": " + e.serviceName(d.Service)}
	add := func(field, value string) {
		if value != "" {
			lines = append(lines, "• "+e.text("field_"+field)+": "+value)
		}
	}
	add("subtype", e.subtypeName(d.Service, d.Subtype))
	add("reason", d.Reason)
	add("nik", d.NIK)
	add("name", d.Name)
	for _, st := range e.fieldSteps(d) {
		add(strings.TrimPrefix(st, "f_"), d.Fields[strings.TrimPrefix(st, "f_")])
	}
	var docs []string
	for _, r := range d.Docs {
		docs = append(docs, e.docName(r.Key))
	}
	add("docs", strings.Join(docs, ", "))
	add("notes", d.Notes)
	if d.Service != "validasi_nik" {
		add("delivery", e.deliveryText(d))
	}
	return strings.Join(lines, "\n")
}

func (e *Engine) deliveryText(d *Draft) string {
	switch d.Delivery {
	case "pickup":
		return e.text("delivery_pickup", "counter", e.opt.Office.PickupCounter)
	case "post":
		return e.text("delivery_post", "address", e.postalAddress(d), "fee", e.text("fee_delivery"))
	case string(ketanmu.DeliveryElectronic):
		return e.text("delivery_elektronik")
	}
	return ""
}

// due is the completion date promised for a draft submitted at now: the stage deadlines of the
// path its case will take (the delivery the resident chose; a card skips the signature).
func (e *Engine) due(d *Draft, now time.Time) time.Time {
	path := lifecycle.Path{Delivery: ketanmu.Delivery(d.Delivery), Card: e.output(d) != OutputTTE}
	return e.opt.Services[d.Service].Profile.Promise(e.cal, now, path)
}

func (e *Engine) dueText(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return e.dateTimeText(t)
}

// dateTimeText writes a time a resident plans with: "Jumat, 27 November 2026 pukul 10.30".
func (e *Engine) dateTimeText(t time.Time) string {
	return sla.FormatDateTimeID(t.In(e.cal.Location()))
}

func (e *Engine) dateText(t time.Time) string { return sla.FormatDateID(t.In(e.cal.Location())) }

func (e *Engine) regencyName() string {
	name, _ := e.regions.Regency(strings.ReplaceAll(e.opt.Office.RegencyCode, ".", ""))
	return name
}

func (e *Engine) hoursText() string { return HoursLine(e.opt.Office.Hours, e.text("closed")) }

// HoursLine writes weekly opening hours (day key -> "08:00-15:00", several windows separated by
// commas) on one line, days with the same hours together, closed days named closed:
// "Senin–Kamis 08.00–15.00, Jumat 08.00–11.00, Sabtu–Minggu tutup".
func HoursLine(week map[string]string, closed string) string {
	days := []struct{ key, name string }{{"mon", "Senin"}, {"tue", "Selasa"}, {"wed", "Rabu"},
		{"thu", "Kamis"}, {"fri", "Jumat"}, {"sat", "Sabtu"}, {"sun", "Minggu"}}
	hours := func(key string) string {
		h := strings.TrimSpace(week[key])
		if h == "" {
			return closed
		}
		var ws []string
		for w := range strings.SplitSeq(h, ",") {
			ws = append(ws, strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(w), ":", "."), "-", "–"))
		}
		return strings.Join(ws, " dan ")
	}
	var parts []string
	for i := 0; i < len(days); {
		j, h := i, hours(days[i].key)
		for j+1 < len(days) && hours(days[j+1].key) == h {
			j++
		}
		name := days[i].name
		if j > i {
			name += "–" + days[j].name
		}
		parts = append(parts, name+" "+h)
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// wrongKind answers an input of the wrong kind for the step, then repeats what to send.
func (t *turn) wrongKind(hint string) {
	switch {
	case t.in.Unsupported == "too_large":
		t.sayf("too_large", "limit", byteSize(t.e.opt.MaxMediaBytes))
	case t.in.Unsupported == "download_failed":
		t.sayf("download_failed")
	case t.in.Unsupported == "file":
		t.sayf("doc_bad_type")
	case t.in.Kind == ketanmu.KindUnsupported:
		t.sayf("unsupported", "what", unsupportedName(t.in.Unsupported))
	case t.in.Kind == ketanmu.KindImage || t.in.Kind == ketanmu.KindDocument:
		t.sayf("media_unexpected")
	}
	if hint == "" {
		hint = t.e.menu(t.env.Account)
	}
	t.say(hint)
}

func unsupportedName(kind string) string {
	names := map[string]string{
		"sticker": "stiker", "voice": "pesan suara", "audio": "pesan suara", "video": "video",
		"location": "lokasi", "contact": "kontak", "poll": "polling", "reaction": "reaksi",
		"gif": "GIF", "view_once": "foto sekali lihat",
	}
	if n, ok := names[kind]; ok {
		return n
	}
	return "jenis pesan ini"
}

func byteSize(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n>>10, 10) + " KB"
}

func numbered(items []string) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(strconv.Itoa(i+1) + ". " + it)
	}
	return b.String()
}
