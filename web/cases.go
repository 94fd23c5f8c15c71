package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/nik"
)

// The cases API is a thin adapter over the case service: the caller is the actor its bearer
// token belongs to, and every change is the service's, with its rules and refusals.

const (
	casesPerPage = 50
	maxCaseBody  = 64 << 10
)

// SetAPIToken sets the shared bearer token of the cases API (the configured system actor);
// empty leaves only operators' personal tokens.
func (s *Server) SetAPIToken(tok string) { s.apiToken = tok }

type actorKey struct{}

// actorOf is the authenticated actor of a request that went through authed.
func actorOf(r *http.Request) casework.Actor {
	a, _ := r.Context().Value(actorKey{}).(casework.Actor)
	return a
}

// authed lets a request through only with a bearer token: the shared token acts as the
// configured system actor, an operator's personal token as that operator. Nothing the client
// says about who it is (a header, a field) is trusted.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		tok = strings.TrimSpace(tok)
		ok := false
		var actor casework.Actor
		if strings.EqualFold(scheme, "Bearer") && tok != "" {
			// A presented token is a guess until it matches: counted before it is checked.
			addr := s.clientAddr(r)
			done, allowed := s.bearer.reserve(addr, s.db.Now())
			if !allowed {
				s.log.Warn("API token attempts throttled", "remote", addr)
				w.Header().Set("Retry-After", "900")
				writeError(w, http.StatusTooManyRequests, "too many wrong tokens from this address; wait 15 minutes")
				return
			}
			var err error
			actor, ok, err = s.tokenActor(r.Context(), tok)
			done(err == nil && ok)
			if err != nil {
				s.writeErr(w, r, err)
				return
			}
			if !ok {
				s.log.Info("API token refused", "remote", addr)
			}
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ketanmu"`)
			writeError(w, http.StatusUnauthorized, "missing or wrong bearer token")
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), actorKey{}, actor)))
	}
}

func (s *Server) tokenActor(ctx context.Context, tok string) (casework.Actor, bool, error) {
	if tok == "" {
		return casework.Actor{}, false, nil
	}
	// Both sides are hashed first so that the comparison takes the same time whatever the guess.
	got, want := sha256.Sum256([]byte(tok)), sha256.Sum256([]byte(s.apiToken))
	if s.apiToken != "" && subtle.ConstantTimeCompare(got[:], want[:]) == 1 {
		roles := s.apiRoles
		if roles == nil {
			roles = config.RolesOf(s.cfg.Handoff.APIRoles)
		}
		return casework.SystemActor(s.cfg.Handoff.APIActor, roles), true, nil
	}
	op, ok, err := s.db.OperatorByToken(ctx, tok)
	return casework.OperatorActor(op), ok, err
}

type caseSummary struct {
	Number     string  `json:"number"`
	Account    string  `json:"account"`
	Service    string  `json:"service"`
	Subtype    string  `json:"subtype"`
	Stage      string  `json:"stage"`
	StageName  string  `json:"stage_name"`
	Phone      string  `json:"phone"`
	Name       string  `json:"name"`
	NIK        string  `json:"nik"`
	Assignee   string  `json:"assignee"`
	CreatedAt  *string `json:"created_at"`
	DueAt      *string `json:"due_at"`
	StageDueAt *string `json:"stage_due_at"`
}

type caseEventJSON struct {
	From     string  `json:"from"`
	To       string  `json:"to"`
	Actor    string  `json:"actor"`
	Reason   string  `json:"reason"`
	Tracking string  `json:"tracking"`
	At       *string `json:"at"`
}

type caseDocumentJSON struct {
	ID       int64   `json:"id"`
	Key      string  `json:"key"`
	Name     string  `json:"name"`
	Mime     string  `json:"mime"`
	Filename string  `json:"filename"`
	Size     int64   `json:"size"`
	SHA256   string  `json:"sha256"`
	URL      string  `json:"url"`
	At       *string `json:"at"`
	Erased   bool    `json:"erased"` // emptied at the end of retention: the URL answers 410
}

type caseNoteJSON struct {
	Actor string  `json:"actor"`
	Text  string  `json:"text"`
	At    *string `json:"at"`
}

type caseDetail struct {
	caseSummary
	StageAt   *string            `json:"stage_at"`
	Details   map[string]string  `json:"details"`
	Allowed   []string           `json:"allowed"` // the stages this caller may move the case to now
	Person    string             `json:"person"`  // who has the resident's chat, if a person has it
	Events    []caseEventJSON    `json:"events"`
	Documents []caseDocumentJSON `json:"documents"`
	Notes     []caseNoteJSON     `json:"notes"`
}

// officeTime formats t as RFC 3339 in the office's time zone; nil (JSON null) when unset.
func (s *Server) officeTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	v := t.In(s.cfg.Office.Location).Format(time.RFC3339)
	return &v
}

func (s *Server) summary(c ketanmu.Case, fullNIK bool) caseSummary {
	id := nik.MaskNIK(c.NIK)
	if fullNIK {
		id = c.NIK
	}
	return caseSummary{Number: c.Number, Account: c.Account, Service: c.Service, Subtype: c.Subtype, Stage: string(c.Stage),
		StageName: casework.StageName(s.cfg.Texts, c.Stage), Phone: c.Chat, Name: c.Name, NIK: id, Assignee: c.Assignee,
		CreatedAt: s.officeTime(c.CreatedAt), DueAt: s.officeTime(c.Due), StageDueAt: s.officeTime(c.StageDue)}
}

func (s *Server) detail(f casework.File) caseDetail {
	d := caseDetail{caseSummary: s.summary(f.Case, true), StageAt: s.officeTime(f.StageAt), Details: f.Details,
		Allowed: lifecycle.StageKeys(f.Allowed), Person: f.Person, Events: []caseEventJSON{},
		Documents: []caseDocumentJSON{}, Notes: []caseNoteJSON{}}
	if d.Details == nil {
		d.Details = map[string]string{}
	}
	for _, ev := range f.Events {
		d.Events = append(d.Events, caseEventJSON{From: string(ev.From), To: string(ev.To), Actor: ev.Actor,
			Reason: ev.Reason, Tracking: ev.Tracking, At: s.officeTime(ev.At)})
	}
	for _, doc := range f.Documents {
		name := doc.Key
		if def, ok := s.cfg.Documents[doc.Key]; ok {
			name = def.Name
		}
		d.Documents = append(d.Documents, caseDocumentJSON{ID: doc.ID, Key: doc.Key, Name: name, Mime: doc.Mime,
			Filename: doc.Filename, Size: doc.Size, SHA256: doc.SHA256, At: s.officeTime(doc.At), Erased: doc.Erased,
			URL: "/api/cases/" + f.Number + "/documents/" + strconv.FormatInt(doc.ID, 10)})
	}
	for _, n := range f.Notes {
		d.Notes = append(d.Notes, caseNoteJSON{Actor: n.Actor, Text: n.Text, At: s.officeTime(n.At)})
	}
	return d
}

// caseNumber reads {number} from the path; numbers are stored upper case.
func caseNumber(r *http.Request) string {
	return strings.ToUpper(strings.TrimSpace(r.PathValue("number")))
}

// queueFilter reads the list's query: status (a stage), service, phone, assignee, mine,
// unassigned, overdue, open, q (number, NIK, phone or name) and page.
func queueFilter(r *http.Request) (casework.Filter, error) {
	q := r.URL.Query()
	f := casework.Filter{Service: strings.TrimSpace(q.Get("service")), Stage: ketanmu.Stage(strings.TrimSpace(q.Get("status"))),
		Phone: strings.TrimSpace(q.Get("phone")), Assignee: strings.TrimSpace(q.Get("assignee")),
		Search: strings.TrimSpace(q.Get("q")), NewestFirst: true, PerPage: casesPerPage, Page: 1}
	for name, dst := range map[string]*bool{"mine": &f.Mine, "unassigned": &f.Unassigned, "overdue": &f.Overdue, "open": &f.Open} {
		if v := q.Get(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return f, ketanmu.Errorf(ketanmu.EINVALID, "%s must be true or false", name)
			}
			*dst = b
		}
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > casework.MaxPage {
			return f, ketanmu.Errorf(ketanmu.EINVALID, "page %q is not a number from 1 to %d", p, casework.MaxPage)
		}
		f.Page = n
	}
	return f, nil
}

// casesList serves GET /api/cases: one page of the cases the caller may see, newest first.
func (s *Server) casesList(w http.ResponseWriter, r *http.Request) {
	f, err := queueFilter(r)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	page, err := s.cases().Queue(r.Context(), actorOf(r), f)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	out := make([]caseSummary, 0, len(page.Cases))
	for _, c := range page.Cases {
		out = append(out, s.summary(c, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": out, "page": page.Page, "per_page": casesPerPage, "total": page.Total})
}

// casesCounts serves GET /api/cases/counts: how many cases the caller may see per stage, with
// the list's filters.
func (s *Server) casesCounts(w http.ResponseWriter, r *http.Request) {
	f, err := queueFilter(r)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	counts, err := s.cases().Counts(r.Context(), actorOf(r), f)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	out := map[string]int{}
	for st, n := range counts {
		out[string(st)] = n
	}
	writeJSON(w, http.StatusOK, map[string]any{"counts": out})
}

// caseGet serves GET /api/cases/{number}. The caller is staff, who see the full NIK.
func (s *Server) caseGet(w http.ResponseWriter, r *http.Request) {
	s.writeCase(w, r, caseNumber(r))
}

func (s *Server) writeCase(w http.ResponseWriter, r *http.Request, number string) {
	f, err := s.cases().Case(r.Context(), actorOf(r), number)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.detail(f))
}

// caseDocument serves GET /api/cases/{number}/documents/{id}: the decrypted file, its reading
// recorded in the audit log under the caller.
func (s *Server) caseDocument(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "document id must be a number")
		return
	}
	m, err := s.cases().ReadDocument(r.Context(), actorOf(r), caseNumber(r), id)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	ctype := m.Mime
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(m.Data)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	// A resident's file is never run as a page of ours, whatever type it claims.
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Content-Disposition", disposition(m.Mime, m.Filename))
	_, _ = w.Write(m.Data)
}

// disposition shows photos in the browser and makes every other file a download.
func disposition(mimeType, filename string) string {
	kind := "attachment"
	switch mimeType {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		kind = "inline"
	}
	if filename != "" {
		if v := mime.FormatMediaType(kind, map[string]string{"filename": filename}); v != "" {
			return v
		}
	}
	return kind
}

type transitionRequest struct {
	To       string `json:"to"`
	Reason   string `json:"reason"`
	Tracking string `json:"tracking"`
}

// caseTransition serves POST /api/cases/{number}/transition: moving to a stage is the action
// that stage means (asking for a fix, rejecting, shipping…), with its rules.
func (s *Server) caseTransition(w http.ResponseWriter, r *http.Request) {
	var req transitionRequest
	if !s.decodeCaseBody(w, r, &req) {
		return
	}
	to := ketanmu.Stage(strings.TrimSpace(req.To))
	if !lifecycle.Known(to) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("\"to\" must be a stage, one of: %s",
			strings.Join(lifecycle.StageKeys(ketanmu.Stages), ", ")))
		return
	}
	s.act(w, r, casework.ActionFor(to, req.Reason, req.Tracking))
}

type replyRequest struct {
	Text string `json:"text"`
}

// caseReply serves POST /api/cases/{number}/reply: text to the resident, through the outbox;
// a person has the chat from then on.
func (s *Server) caseReply(w http.ResponseWriter, r *http.Request) {
	var req replyRequest
	if !s.decodeCaseBody(w, r, &req) {
		return
	}
	s.act(w, r, casework.Action{Kind: casework.Reply, Text: req.Text})
}

type actionRequest struct {
	Action   string   `json:"action"`
	To       string   `json:"to"`
	Assignee string   `json:"assignee"`
	Text     string   `json:"text"`
	Docs     []string `json:"docs"`
	Tracking string   `json:"tracking"`
}

// caseAction serves POST /api/cases/{number}/actions: any operator action by name (take,
// assign, advance, fix, reject, ship, pickup, close, note, reply, handback, move).
func (s *Server) caseAction(w http.ResponseWriter, r *http.Request) {
	var req actionRequest
	if !s.decodeCaseBody(w, r, &req) {
		return
	}
	s.act(w, r, casework.Action{Kind: casework.Kind(strings.TrimSpace(req.Action)), To: ketanmu.Stage(strings.TrimSpace(req.To)),
		Assignee: req.Assignee, Text: req.Text, Docs: req.Docs, Tracking: req.Tracking})
}

// act carries out an action for the caller and answers the case as it now is; a refused move
// is a 409 naming the stages this caller may move the case to instead.
func (s *Server) act(w http.ResponseWriter, r *http.Request, a casework.Action) {
	number := caseNumber(r)
	_, err := s.cases().Do(r.Context(), actorOf(r), number, a)
	if ketanmu.ErrorCode(err) == ketanmu.ECONFLICT {
		f, ferr := s.cases().Case(r.Context(), actorOf(r), number)
		if ferr != nil {
			s.writeErr(w, r, ferr)
			return
		}
		writeJSON(w, http.StatusConflict, map[string]any{"error": ketanmu.ErrorMessage(err), "stage": f.Stage,
			"allowed": lifecycle.StageKeys(f.Allowed)})
		return
	}
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	s.writeCase(w, r, number)
}

// decodeCaseBody reads a JSON request body into v; on failure it has answered 400 or 413.
func (s *Server) decodeCaseBody(w http.ResponseWriter, r *http.Request, v any) bool {
	err := decodeJSON(http.MaxBytesReader(w, r.Body, maxCaseBody), v)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request larger than %d bytes", maxCaseBody))
	case err != nil:
		writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
	}
	return err == nil
}
