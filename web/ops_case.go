package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/nik"
)

type labelled struct{ Label, Value string }

type docView struct {
	ID             int64
	Key, Name, URL string
	ThumbURL       string
	Filename, Mime string
	Image, PDF     bool
	Erased         bool // emptied by the retention purge
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
	Stage ketanmu.Stage
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
	CanAttachOutput                                    bool // the signed PDF may be attached now
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

// caseView is the case page's content, built in named steps (ops_case_view.go).
func (s *Server) caseView(r *http.Request, u *opsUser) (caseView, error) {
	f, err := s.cases().Case(r.Context(), u.Actor, caseNumber(r))
	if err != nil {
		return caseView{}, err
	}
	v := s.caseHeader(f, u)
	v.Details = s.caseDetails(f)
	docURL, kinds := v.addDocs(s, f)
	v.Checklist = s.caseChecklist(f, kinds)
	v.FixDocs = v.Checklist
	v.TranscriptHidden = f.TranscriptHidden
	v.Transcript = s.transcriptLines(f.Transcript, docURL)
	if err := s.addCompany(r, u, f, &v); err != nil {
		return v, err
	}
	v.Events, v.Notes = s.caseHistory(f)
	if u.Supervisor() {
		v.Audit = s.caseAudit(f)
	}
	v.Moves = s.caseMoves(f, v.CanTake)
	if !v.Closed {
		if v.Staff, err = s.caseStaff(r, u, f); err != nil {
			return v, err
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

func (s *Server) serviceTitle(c ketanmu.Case) string {
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
	// A resident's file is never run as a page of ours, whatever it holds: a sandbox without
	// scripts, its own type (nosniff). PDFs (checked by the parser at intake) open in the
	// browser's viewer under that policy; a browser that will not show them there downloads them.
	h.Set("X-Content-Type-Options", "nosniff")
	if ctype == "application/pdf" {
		h.Set("Content-Security-Policy", "sandbox")
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
		to := ketanmu.Stage(r.PostFormValue("to"))
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
	case "output":
		return "PDF hasil sudah dikirim ke WhatsApp pemohon; permohonan selesai."
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
