package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/nik"
	"github.com/ketanmu/ketanmu/store"
)

type labelled struct{ Label, Value string }

type docView struct {
	ID             int64
	Key, Name, URL string
	ThumbURL       string
	Filename, Mime string
	Image, PDF     bool
	At, Size       string
	MediaID        int64
	FirstOfItsKind bool
}

type checkItem struct {
	Key, Name string
	Present   bool
}

type transcriptLine struct {
	Who, Text, At, Class string
	Media                string
	DocURL               string
	Revoked              bool
}

type eventView struct{ At, From, To, Actor, Reason, Tracking string }

type noteView struct{ At, Actor, Text string }

type moveView struct {
	Stage lifecycle.Stage
	Kind  string // fix, reject, ship, button
	Label string
}

type caseView struct {
	Number, Service, Stage, StageKey, Assignee, Person string
	Clock                                              clockView
	Turn                                               turnView
	Closed, CanTake, FixReturned, ByPost               bool
	Name, Phone, NIK, Account, Created, Due            string
	NIKCheck                                           nik.Result
	NIKRegion                                          string
	Details                                            []labelled
	Docs                                               []docView
	DocsSignature                                      string
	Checklist                                          []checkItem
	Transcript                                         []transcriptLine
	TranscriptHidden                                   bool
	Events                                             []eventView
	Notes                                              []noteView
	Audit                                              []auditRow
	Moves                                              []moveView
	Staff                                              []string
	RejectReasons                                      []string
	Replies                                            []config.CannedReply
	Others                                             []chatCaseView
	AlsoOpen                                           string // others who have the case open
	FixDocs                                            []checkItem
}

// opsCase serves a case's page: the resident, the NIK check, the details, the documents and
// their checklist, the chat, the history, the notes, and the actions this user may take now.
func (s *Server) opsCase(w http.ResponseWriter, r *http.Request, u *opsUser) {
	v, err := s.caseView(r, u)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	view := opsView{Title: v.Number, Nav: "queue", User: u, Page: v}
	if ok := r.URL.Query().Get("ok"); ok != "" {
		view.Flash = doneText(ok)
	}
	s.render(w, http.StatusOK, "case", view)
}

func (s *Server) caseView(r *http.Request, u *opsUser) (caseView, error) {
	cw := s.cases()
	f, err := cw.Case(r.Context(), u.Actor, caseNumber(r))
	if err != nil {
		return caseView{}, err
	}
	now := s.db.Now()
	v := caseView{Number: f.Number, Service: s.serviceTitle(f.Case), Stage: cw.StageName(f.Stage), StageKey: string(f.Stage),
		Assignee: f.Assignee, Person: f.Person, Clock: s.clockOf(f.Case, now), Closed: lifecycle.Closed(f.Stage), FixReturned: !f.FixReturnedAt.IsZero(), Turn: s.turnOf(f.Case, u),
		ByPost:  casework.Delivery(f.Case) == lifecycle.DeliveryPost,
		CanTake: !lifecycle.Closed(f.Stage) && (f.Assignee != u.Actor.Name || lifecycle.Waiting(f.Stage)), Name: casework.OrDash(f.Name), Phone: f.Chat, NIK: f.NIK,
		Account: s.accountName(f.Account), Created: officeDate(f.CreatedAt, s.cfg), Due: officeDate(f.Due, s.cfg),
		RejectReasons: s.cfg.Ops.RejectReasons, Replies: cw.CannedReplies(&f.Case)}
	if f.NIK != "" {
		v.NIKCheck = nik.CheckNIK(f.NIK, nik.DefaultRegions(), now)
		v.NIKRegion = strings.Join(nonEmpty(v.NIKCheck.District, v.NIKCheck.Regency, v.NIKCheck.Province), ", ")
	}
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
		v.Details = append(v.Details, labelled{label, val})
	}
	docURL := map[int64]string{}
	seen := map[string]bool{}
	var sig []string
	for i := len(f.Documents) - 1; i >= 0; i-- { // the newest of each kind first
		d := f.Documents[i]
		dv := docView{ID: d.ID, Key: d.Key, Name: s.docName(d.Key), Filename: d.Filename, Mime: d.Mime,
			URL:      "/ops/cases/" + f.Number + "/documents/" + strconv.FormatInt(d.ID, 10),
			ThumbURL: "/ops/cases/" + f.Number + "/documents/" + strconv.FormatInt(d.ID, 10) + "/thumb",
			Image:    strings.HasPrefix(d.Mime, "image/"), PDF: d.Mime == "application/pdf",
			At: officeDate(d.At, s.cfg), Size: sizeText(d.Size), MediaID: d.MediaID, FirstOfItsKind: !seen[d.Key]}
		seen[d.Key] = true
		docURL[d.MediaID] = dv.URL
		v.Docs = append(v.Docs, dv)
		sig = append(sig, strconv.FormatInt(d.ID, 10))
	}
	v.DocsSignature = strings.Join(sig, ",")
	// One line per requirement: the alternative received, or "A atau B" while none was.
	used := map[string]bool{}
	for _, slot := range s.cases().Requirements(f.Case) {
		item := checkItem{Key: slot[0]}
		names := make([]string, len(slot))
		for i, key := range slot {
			names[i] = s.docName(key)
			if seen[key] && !item.Present {
				item.Key, item.Present = key, true
			}
			used[key] = true
		}
		item.Name = strings.Join(names, " atau ")
		if item.Present {
			item.Name = s.docName(item.Key)
		}
		v.Checklist = append(v.Checklist, item)
	}
	for key := range seen {
		if !used[key] {
			v.Checklist = append(v.Checklist, checkItem{Key: key, Name: s.docName(key) + " (tambahan)", Present: true})
		}
	}
	v.FixDocs = v.Checklist
	v.TranscriptHidden = f.TranscriptHidden
	v.Transcript = s.transcriptLines(f.Transcript, docURL)
	also, err := cw.OpenedBy(r.Context(), u.Actor, f.Number)
	if err != nil {
		return v, err
	}
	v.AlsoOpen = strings.Join(also, ", ")
	for _, o := range f.Others {
		v.Others = append(v.Others, chatCaseView{Number: o.Number, Service: s.serviceTitle(o), Stage: cw.StageName(o.Stage),
			Closed: lifecycle.Closed(o.Stage)})
	}
	for _, ev := range f.Events {
		from := ""
		if ev.From != "" {
			from = cw.StageName(ev.From)
		}
		v.Events = append(v.Events, eventView{At: officeDate(ev.At, s.cfg), From: from, To: cw.StageName(ev.To),
			Actor: ev.Actor, Reason: ev.Reason, Tracking: ev.Tracking})
	}
	for _, n := range f.Notes {
		v.Notes = append(v.Notes, noteView{At: officeDate(n.At, s.cfg), Actor: n.Actor, Text: n.Text})
	}
	if u.Supervisor() {
		keys := map[int64]string{}
		for _, d := range f.Documents {
			keys[d.ID] = d.Key
		}
		for _, a := range f.Audit {
			v.Audit = append(v.Audit, auditRow{At: officeDate(a.At, s.cfg), Actor: a.Actor, Action: auditActionName(a.Action),
				Detail: a.Detail, DocumentID: a.DocumentID, Doc: s.auditDocName(keys[a.DocumentID], a.DocumentID)})
		}
	}
	for _, st := range f.Allowed {
		if st == lifecycle.Verifying && v.CanTake && lifecycle.Waiting(f.Stage) {
			continue // that is taking it
		}
		mv := moveView{Stage: st, Label: cw.StageName(st), Kind: "button"}
		switch casework.ActionFor(st, "", "").Kind {
		case casework.AskFix:
			mv.Kind = "fix"
		case casework.Reject:
			mv.Kind = "reject"
		case casework.Ship:
			mv.Kind = "ship"
		}
		v.Moves = append(v.Moves, mv)
	}
	if !v.Closed {
		ops, err := cw.Staff(r.Context(), u.Actor)
		if err != nil {
			return v, err
		}
		for _, op := range ops {
			if p, ok := s.cfg.Profile(f.Service); ok && p.CanSee(op.Roles) {
				v.Staff = append(v.Staff, op.Name)
			}
		}
	}
	return v, nil
}

func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (s *Server) serviceTitle(c store.Case) string {
	svc := s.cfg.Services[c.Service]
	title := s.serviceName(c.Service)
	for _, st := range svc.Subtypes {
		if st.Key == c.Subtype {
			title += " — " + st.Name
		}
	}
	return title
}

func (s *Server) docName(key string) string {
	if d, ok := s.cfg.Documents[key]; ok {
		return d.Name
	}
	if key == "lampiran" {
		return "Lampiran" // an extra photo, or the answer to a fix asked in words
	}
	return key
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// opsThumb serves a small JPEG of a case's photo (not audited; the full photo is, when opened).
func (s *Server) opsThumb(w http.ResponseWriter, r *http.Request, u *opsUser) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.opsFail(w, r, u, http.StatusNotFound, "Dokumen tidak ditemukan.")
		return
	}
	data, err := s.cases().DocumentThumb(r.Context(), u.Actor, caseNumber(r), id)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/jpeg")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	_, _ = w.Write(data)
}

// opsDocument serves a case's document to the signed-in operator; the case service records the
// reading in the audit log. Photos and PDFs are shown inline, anything else is downloaded.
func (s *Server) opsDocument(w http.ResponseWriter, r *http.Request, u *opsUser) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.opsFail(w, r, u, http.StatusNotFound, "Dokumen tidak ditemukan.")
		return
	}
	m, err := s.cases().ReadDocument(r.Context(), u.Actor, caseNumber(r), id)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	h := w.Header()
	ctype := m.Mime
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(m.Data)))
	if ctype == "application/pdf" {
		// The browser's PDF viewer does not run in a sandboxed document; the file is still
		// never run as a page of ours (nosniff, its own type).
		h.Del("Content-Security-Policy")
		h.Set("Content-Disposition", inlineOr(m.Filename, "inline"))
	} else {
		h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
		h.Set("Content-Disposition", disposition(m.Mime, m.Filename))
	}
	_, _ = w.Write(m.Data)
}

func inlineOr(filename, kind string) string {
	if filename == "" {
		return kind
	}
	return disposition("image/png", filename) // inline with the file's name
}

// opsAction carries out one action from the case page through the case service: the same
// rules and refusals as the WhatsApp commands and the cases API.
func (s *Server) opsAction(w http.ResponseWriter, r *http.Request, u *opsUser) {
	number := caseNumber(r)
	kind := casework.Kind(r.PostFormValue("action"))
	a := casework.Action{Kind: kind, Text: r.PostFormValue("text"), Tracking: r.PostFormValue("tracking"),
		Assignee: r.PostFormValue("assignee"), Docs: r.PostForm["docs"]}
	if kind == casework.Move {
		to := lifecycle.Stage(r.PostFormValue("to"))
		a = casework.ActionFor(to, a.Text, a.Tracking)
		if a.Kind == casework.AskFix {
			a.Docs = r.PostForm["docs"]
		}
		kind = a.Kind
	}
	if _, err := s.cases().Do(r.Context(), u.Actor, number, a); err != nil {
		status, msg := opsStatus(err)
		if status == http.StatusInternalServerError {
			s.opsErr(w, r, u, err)
			return
		}
		s.log.Info("Workspace action refused", "operator", u.Actor.Name, "case_number", number, "action", string(kind), "status", status)
		v, verr := s.caseView(r, u)
		if verr != nil {
			s.opsFail(w, r, u, status, msg)
			return
		}
		s.render(w, status, "case", opsView{Title: v.Number, Nav: "queue", User: u, Error: msg, Page: v})
		return
	}
	http.Redirect(w, r, "/ops/cases/"+number+"?ok="+string(kind), http.StatusSeeOther)
}

func doneText(kind string) string {
	switch casework.Kind(kind) {
	case casework.Take:
		return "Permohonan sudah Anda ambil."
	case casework.Assign:
		return "Permohonan sudah ditugaskan."
	case casework.AskFix:
		return "Permintaan perbaikan sudah dikirim ke pemohon."
	case casework.Reject:
		return "Permohonan ditolak; alasannya sudah dikirim ke pemohon."
	case casework.Ship:
		return "Tercatat dikirim lewat Pos; pemohon sudah dikabari."
	case casework.Note:
		return "Catatan disimpan."
	case casework.Reply:
		return "Balasan masuk antrean kirim WhatsApp. Bot diam di chat ini sampai dikembalikan."
	case casework.HandBack:
		return "Chat dikembalikan ke bot."
	}
	return "Tahap permohonan sudah diperbarui; pemohon sudah dikabari."
}

// officeDate writes an instant in the office's time zone, short, as people there read it:
// "Rab 25 Nov 09.30".
func officeDate(t time.Time, cfg *config.Config) string {
	if t.IsZero() {
		return "-"
	}
	t = t.In(cfg.Office.Location)
	days := [...]string{"Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"}
	months := [...]string{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"}
	return fmt.Sprintf("%s %d %s %s", days[t.Weekday()], t.Day(), months[t.Month()-1], t.Format("15.04"))
}
