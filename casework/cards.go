package casework

import (
	"slices"
	"strings"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/nik"
	"github.com/ketanmu/ketanmu/sla"
	"github.com/ketanmu/ketanmu/store"
)

// Open stores the case a resident's application became, with the deadline of its first stage,
// and returns its number and the card that tells the operators.
func (s *Service) Open(tx *store.Tx, conv store.Conversation, nc flows.NewCase) (string, []ketanmu.Outbound, error) {
	svc, ok := s.cfg.Services[nc.Service]
	if !ok {
		return "", nil, ketanmu.Errorf(ketanmu.EINTERNAL, "new case: unknown service %q", nc.Service)
	}
	p, _ := s.cfg.Profile(nc.Service)
	t := p.Enter(s.cfg.Office.Calendar, tx.Now(), lifecycle.Timing{Due: nc.Due}, ketanmu.StageSubmitted)
	if t.StageDue.IsZero() {
		t.StageDue = nc.Due // a profile without stage deadlines: the promise itself is watched
	}
	docs := make([]store.CaseDocument, 0, len(nc.Documents))
	for _, d := range nc.Documents {
		docs = append(docs, store.CaseDocument{Key: d.Key, MessageID: d.MessageID})
	}
	number, err := tx.CreateCase(store.NewCase{Account: conv.Account, Chat: conv.Chat, ResidentID: conv.ResidentID,
		Prefix: svc.Prefix, Service: nc.Service, Subtype: nc.Subtype, NIK: nc.NIK, Name: nc.Name,
		Details: nc.Details, Due: nc.Due, StageDue: t.StageDue, Documents: docs, Actor: residentActor,
		Day: tx.Now().In(s.cfg.Office.Location).Format("060102")})
	if err != nil {
		return "", nil, err
	}
	s.log.Info("Case created", "account", conv.Account, "chat", ketanmu.MaskPhone(conv.Chat),
		"case_number", number, "service", nc.Service)
	c, err := tx.CaseByNumber(number)
	if err != nil {
		return "", nil, err
	}
	info, err := tx.CaseDocuments(c.ID)
	if err != nil {
		return "", nil, err
	}
	cards, err := s.cards(tx, c, s.CardText(c, "card_new"), info)
	return number, cards, err
}

// OperatorChats is the one rule for where messages about cases of a service go on an account:
// its operators' group; for a service only some roles may see (complaints), the account's
// complaints group, or, when it has none and its operators' group serves other services too,
// the private chats of the staff who may see it. Never a group whose members may not read it.
func OperatorChats(cfg *config.Config, ops []ketanmu.Operator, acc config.Account, service string) []string {
	p, _ := cfg.Profile(service)
	if p.ViewRole == "" {
		return []string{orPhone(acc.OperatorsGroup, acc)}
	}
	if acc.ComplaintsGroup != "" {
		return []string{acc.ComplaintsGroup}
	}
	if onlyRestricted(cfg, acc) {
		return []string{orPhone(acc.OperatorsGroup, acc)}
	}
	var out []string
	for _, op := range ops {
		if op.Phone != "" && p.CanSee(op.Roles) {
			out = append(out, op.Phone)
		}
	}
	return out
}

// onlyRestricted reports whether every service of the account is one only some roles may see:
// its operators' group is then theirs (the complaints number's group).
func onlyRestricted(cfg *config.Config, acc config.Account) bool {
	restricted := false
	for _, svc := range acc.Services {
		p, ok := cfg.Profile(svc)
		if !ok {
			continue // info, status: no cases of their own
		}
		if p.ViewRole == "" {
			return false
		}
		restricted = true
	}
	return restricted
}

// orPhone is the group, or the office phone's own chat when the account has no group.
func orPhone(group string, acc config.Account) string {
	if group == "" {
		return acc.Phone
	}
	return group
}

// cards posts text and the photos docs as the card of case c to wherever its operators read;
// each message is marked as the case's card so that quoting it acts on the case.
func (s *Service) cards(tx *store.Tx, c ketanmu.Case, text string, docs []store.CaseDocumentInfo) ([]ketanmu.Outbound, error) {
	acc, _ := s.cfg.Account(c.Account)
	var ops []ketanmu.Operator
	if p, _ := s.cfg.Profile(c.Service); p.ViewRole != "" {
		var err error
		if ops, err = tx.Operators(); err != nil {
			return nil, err
		}
	}
	var out []ketanmu.Outbound
	for _, to := range OperatorChats(s.cfg, ops, acc, c.Service) {
		out = append(out, ketanmu.Outbound{Account: acc.Key, Chat: to, Text: text, CardOf: c.ID})
		if !s.cfg.Handoff.GroupPhotos {
			continue
		}
		for _, d := range docs {
			out = append(out, ketanmu.Outbound{Account: acc.Key, Chat: to, MediaID: d.MediaID, CardOf: c.ID,
				Media: &ketanmu.Media{Mime: d.Mime, Filename: d.Filename}, Text: c.Number + " · " + s.docName(d.Key)})
		}
	}
	return out, nil
}

// CardText fills a card's text (texts key) for operators; extra lines follow the case's details.
// The NIK and the phone are masked, and so is any NIK-like number the resident typed.
func (s *Service) CardText(c ketanmu.Case, key string, extra ...string) string {
	svc := s.cfg.Services[c.Service]
	title := svc.Name
	for _, st := range svc.Subtypes {
		if st.Key == c.Subtype {
			title += " — " + st.Name
		}
	}
	var details []string
	keys := append(s.variantFields(c), "reason", "category", "description", "delivery", "address", "desa", "kecamatan",
		"postal_code", "notes", "warnings")
	for _, k := range keys {
		v := c.Details[k]
		if v == "" {
			continue
		}
		if k == "delivery" {
			v = s.optText("delivery_"+v+"_short", v)
		}
		details = append(details, "• "+s.optText("field_"+k, k)+": "+v)
	}
	details = append(details, extra...)
	note := "" // {extra}: the extra lines alone, each on its own line
	for _, line := range extra {
		note += "\n" + line
	}
	due := "-"
	if !c.StageDue.IsZero() {
		due = sla.FormatDateTimeID(c.StageDue.In(s.cfg.Office.Location))
	}
	// Whatever a resident typed reaches operators' groups masked: a NIK, then any phone-like run.
	return ketanmu.MaskNumbers(nik.MaskInText(s.cfg.Texts.Get(key, "number", c.Number, "service", title, "nik", OrDash(nik.MaskNIK(c.NIK)),
		"phone", ketanmu.MaskPhone(c.Chat), "name", OrDash(c.Name), "details", strings.Join(details, "\n"),
		"due", due, "prefix", s.cfg.Handoff.CommandPrefix, "stage", s.StageName(c.Stage),
		"link", s.cfg.WorkspaceURL("/ops/cases/"+c.Number), "extra", note)))
}

func (s *Service) docName(key string) string {
	if d, ok := s.cfg.Documents[key]; ok {
		return d.Name
	}
	return key
}

// optText returns a configured text, or fallback when the office has none for key.
func (s *Service) optText(key, fallback string) string {
	if t, ok := s.cfg.Texts.Lookup(key); ok {
		return t
	}
	return fallback
}

// OrDash is s, or "-" when empty.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// variantFields are the keys of the fields the case's variant asks for, in their order.
func (s *Service) variantFields(c ketanmu.Case) []string {
	for _, st := range s.cfg.Services[c.Service].Subtypes {
		if st.Key == c.Subtype {
			return slices.Clone(st.Fields)
		}
	}
	return nil
}

// DetailKeys orders a case's details for people: the variant's fields as the resident answered
// them, then the rest by key.
func (s *Service) DetailKeys(c ketanmu.Case) []string {
	var keys []string
	for _, k := range s.variantFields(c) {
		if _, ok := c.Details[k]; ok {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range c.Details {
		if !slices.Contains(keys, k) {
			rest = append(rest, k)
		}
	}
	// Other details by name, then how the document is received with the address lines together,
	// then the resident's notes and the bot's warnings.
	tail := []string{"delivery", "address", "desa", "kecamatan", "postal_code", "notes", "warnings"}
	slices.SortFunc(rest, func(a, b string) int {
		if ra, rb := slices.Index(tail, a), slices.Index(tail, b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return append(keys, rest...)
}

// HoursLine is the office's weekly hours on one line, as residents read them in the flows;
// closed is the word for a day without hours (texts.closed).
func HoursLine(hours map[string]string, closed string) string { return flows.HoursLine(hours, closed) }

func (s *Service) hoursLine() string { return HoursLine(s.cfg.Office.Hours, s.cfg.Texts.Get("closed")) }

// pickupHours are the pickup counter's hours: its own where the office sets them
// (office.service_hours.pengambilan), else the office's.
func (s *Service) pickupHours() string {
	if h, ok := s.cfg.Office.ServiceHours["pengambilan"]; ok {
		return HoursLine(h, s.cfg.Texts.Get("closed"))
	}
	return s.hoursLine()
}

// Supervisors are the operators with the supervisor role and a phone: who is told on WhatsApp
// what only a supervisor must know (escalations, a number logged out, a failed backup).
func Supervisors(ops []ketanmu.Operator) []ketanmu.Operator {
	var out []ketanmu.Operator
	for _, op := range ops {
		if op.Phone != "" && lifecycle.HasRole(op.Roles, ketanmu.RoleSupervisor) {
			out = append(out, op)
		}
	}
	return out
}
