package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/nik"
)

// The steps of caseView, in the order of the page.

// caseHeader is the top of the case page: the case, its clock, the resident and their NIK check.
func (s *Server) caseHeader(f casework.File, u *opsUser) caseView {
	cw := s.cases()
	now := s.db.Now()
	v := caseView{Number: f.Number, Service: s.serviceTitle(f.Case), Stage: cw.StageName(f.Stage), StageKey: string(f.Stage),
		Assignee: f.Assignee, Person: f.Person, Clock: s.clockOf(f.Case, now), Closed: lifecycle.Closed(f.Stage),
		FixReturned: !f.FixReturnedAt.IsZero(), Turn: s.turnOf(f.Case, u), ByPost: casework.Delivery(f.Case) == ketanmu.DeliveryPost,
		CanTake: !lifecycle.Closed(f.Stage) && (f.Assignee != u.Actor.Name || lifecycle.Waiting(f.Stage)), Name: casework.OrDash(f.Name), Phone: f.Chat, NIK: f.NIK,
		Account: s.accountName(f.Account), Created: officeDate(f.CreatedAt, s.cfg), Due: officeDate(f.Due, s.cfg),
		RejectReasons: s.cfg.Ops.RejectReasons, Replies: cw.CannedReplies(&f.Case), CanAttachOutput: cw.CanAttachOutput(f.Case)}
	if f.NIK != "" {
		v.NIKCheck = nik.CheckNIK(f.NIK, nik.DefaultRegions(), now)
		v.NIKRegion = strings.Join(nonEmpty(v.NIKCheck.District, v.NIKCheck.Regency, v.NIKCheck.Province), ", ")
	}
	return v
}

// caseDetails are the details collected, under their configured labels.
func (s *Server) caseDetails(f casework.File) []labelled {
	var out []labelled
	for _, k := range s.cases().DetailKeys(f.Case) {
		label, ok := s.cfg.Texts.Lookup("field_" + k)
		if !ok {
			label = k
		}
		val := f.Details[k]
		if k == "delivery" {
			if t, ok := s.cfg.Texts.Lookup("delivery_" + val + "_short"); ok {
				val = t
			}
		}
		out = append(out, labelled{label, val})
	}
	return out
}

// addDocs fills the documents, the newest of each kind first, and their signature; it returns
// each file's address by media ID (the transcript links to it) and the kinds received.
func (v *caseView) addDocs(s *Server, f casework.File) (docURL map[int64]string, kinds map[string]bool) {
	docURL, kinds = map[int64]string{}, map[string]bool{}
	var sig []string
	for i := len(f.Documents) - 1; i >= 0; i-- {
		d := f.Documents[i]
		dv := docView{ID: d.ID, Key: d.Key, Name: s.docName(d.Key), Filename: d.Filename, Mime: d.Mime,
			URL:      "/ops/cases/" + f.Number + "/documents/" + strconv.FormatInt(d.ID, 10),
			ThumbURL: "/ops/cases/" + f.Number + "/documents/" + strconv.FormatInt(d.ID, 10) + "/thumb",
			Image:    strings.HasPrefix(d.Mime, "image/"), PDF: d.Mime == "application/pdf", Erased: d.Erased,
			At: officeDate(d.At, s.cfg), Size: sizeText(d.Size), MediaID: d.MediaID, FirstOfItsKind: !kinds[d.Key]}
		kinds[d.Key] = true
		docURL[d.MediaID] = dv.URL
		v.Docs = append(v.Docs, dv)
		sig = append(sig, strconv.FormatInt(d.ID, 10))
	}
	v.DocsSignature = strings.Join(sig, ",")
	return docURL, kinds
}

// caseChecklist has one line per requirement: the alternative received, or "A atau B" while
// none was; then what was received beyond the requirements.
func (s *Server) caseChecklist(f casework.File, received map[string]bool) []checkItem {
	var out []checkItem
	used := map[string]bool{}
	for _, slot := range s.cases().Requirements(f.Case) {
		item := checkItem{Key: slot[0]}
		names := make([]string, len(slot))
		for i, key := range slot {
			names[i] = s.docName(key)
			if received[key] && !item.Present {
				item.Key, item.Present = key, true
			}
			used[key] = true
		}
		item.Name = strings.Join(names, " atau ")
		if item.Present {
			item.Name = s.docName(item.Key)
		}
		out = append(out, item)
	}
	for key := range received {
		if !used[key] {
			out = append(out, checkItem{Key: key, Name: s.docName(key) + " (tambahan)", Present: true})
		}
	}
	return out
}

// addCompany adds who else has the case open now and the resident's other cases.
func (s *Server) addCompany(r *http.Request, u *opsUser, f casework.File, v *caseView) error {
	cw := s.cases()
	also, err := cw.OpenedBy(r.Context(), u.Actor, f.Number)
	if err != nil {
		return err
	}
	v.AlsoOpen = strings.Join(also, ", ")
	for _, o := range f.Others {
		v.Others = append(v.Others, chatCaseView{Number: o.Number, Service: s.serviceTitle(o), Stage: cw.StageName(o.Stage),
			Closed: lifecycle.Closed(o.Stage)})
	}
	return nil
}

// caseAudit is the case's audit log as supervisors read it: actions and documents by name.
func (s *Server) caseAudit(f casework.File) []auditRow {
	keys := map[int64]string{}
	for _, d := range f.Documents {
		keys[d.ID] = d.Key
	}
	var out []auditRow
	for _, a := range f.Audit {
		out = append(out, auditRow{At: officeDate(a.At, s.cfg), Actor: a.Actor, Action: auditActionName(a.Action),
			Detail: a.Detail, DocumentID: a.DocumentID, Doc: s.auditDocName(keys[a.DocumentID], a.DocumentID)})
	}
	return out
}

// caseHistory is the stage history with its actors and reasons, and the notes.
func (s *Server) caseHistory(f casework.File) ([]eventView, []noteView) {
	cw := s.cases()
	var events []eventView
	for _, ev := range f.Events {
		from := ""
		if ev.From != "" {
			from = cw.StageName(ev.From)
		}
		events = append(events, eventView{At: officeDate(ev.At, s.cfg), From: from, To: cw.StageName(ev.To),
			Actor: ev.Actor, Reason: ev.Reason, Tracking: ev.Tracking})
	}
	var notes []noteView
	for _, n := range f.Notes {
		notes = append(notes, noteView{At: officeDate(n.At, s.cfg), Actor: n.Actor, Text: n.Text})
	}
	return events, notes
}

// caseMoves are the stage changes the user may make now, each with the form it needs.
func (s *Server) caseMoves(f casework.File, canTake bool) []moveView {
	var out []moveView
	for _, st := range f.Allowed {
		if st == ketanmu.StageVerifying && canTake && lifecycle.Waiting(f.Stage) {
			continue // that is taking it
		}
		mv := moveView{Stage: st, Label: s.cases().StageName(st), Kind: "button"}
		switch casework.ActionFor(st, "", "").Kind {
		case casework.AskFix:
			mv.Kind = "fix"
		case casework.Reject:
			mv.Kind = "reject"
		case casework.Ship:
			mv.Kind = "ship"
		}
		out = append(out, mv)
	}
	return out
}

// caseStaff are the people the case may be assigned to: those whose roles see its service.
func (s *Server) caseStaff(r *http.Request, u *opsUser, f casework.File) ([]string, error) {
	ops, err := s.cases().Staff(r.Context(), u.Actor)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, op := range ops {
		if p, ok := s.cfg.Profile(f.Service); ok && p.CanSee(op.Roles) {
			out = append(out, op.Name)
		}
	}
	return out, nil
}
