package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/nik"
	"github.com/ketanmu/ketanmu/store"
)

// CaseRouter is the part of bot.Router the cases API writes through: every change goes the way
// an operator's command goes, recorded and told to the resident through the outbox.
type CaseRouter interface {
	Transition(ctx context.Context, number, to, reason, tracking, actor string) (store.Case, error)
	Reply(ctx context.Context, number, text, actor string) (store.Case, error)
}

var _ CaseRouter = (*bot.Router)(nil)

const (
	casesPerPage = 50
	maxActor     = 100  // characters of an actor's name
	maxReply     = 4096 // characters of a reply to a resident
	maxCaseBody  = 64 << 10
)

// SetAPIToken sets the bearer token of the cases API; empty closes the API.
func (s *Server) SetAPIToken(tok string) { s.apiToken = tok }

// authed lets a request through only with the API's bearer token. Both sides are hashed first so
// that the comparison takes the same time whatever the length of the guess.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		got, want := sha256.Sum256([]byte(strings.TrimSpace(tok))), sha256.Sum256([]byte(s.apiToken))
		if s.apiToken == "" || !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ketanmu"`)
			msg := "missing or wrong bearer token"
			if s.apiToken == "" {
				msg = "the cases API is closed: set handoff.api_token or KETANMU_API_TOKEN"
			}
			writeError(w, http.StatusUnauthorized, msg)
			return
		}
		h(w, r)
	}
}

type caseSummary struct {
	Number     string  `json:"number"`
	Account    string  `json:"account"`
	Service    string  `json:"service"`
	Subtype    string  `json:"subtype"`
	Stage      string  `json:"stage"`
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
	Allowed   []string           `json:"allowed"` // the stages the case may move to now
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

func (s *Server) summary(c store.Case, fullNIK bool) caseSummary {
	id := nik.MaskNIK(c.NIK)
	if fullNIK {
		id = c.NIK
	}
	return caseSummary{Number: c.Number, Account: c.Account, Service: c.Service, Subtype: c.Subtype, Stage: c.Stage,
		Phone: c.Chat, Name: c.Name, NIK: id, Assignee: c.Assignee, CreatedAt: s.officeTime(c.CreatedAt),
		DueAt: s.officeTime(c.Due), StageDueAt: s.officeTime(c.StageDue)}
}

// allowed lists the stages a case may move to from where it is.
func (s *Server) allowed(c store.Case) []string {
	out := []string{}
	if p, ok := s.cfg.Workflow(s.cfg.Services[c.Service].Profile); ok {
		out = append(out, p.Allowed(c.Stage)...)
	}
	return out
}

func (s *Server) detail(f store.CaseFile) caseDetail {
	d := caseDetail{caseSummary: s.summary(f.Case, true), StageAt: s.officeTime(f.StageAt), Details: f.Details,
		Allowed: s.allowed(f.Case), Events: []caseEventJSON{}, Documents: []caseDocumentJSON{}, Notes: []caseNoteJSON{}}
	if d.Details == nil {
		d.Details = map[string]string{}
	}
	for _, ev := range f.Events {
		d.Events = append(d.Events, caseEventJSON{From: ev.From, To: ev.To, Actor: ev.Actor, Reason: ev.Reason,
			Tracking: ev.Tracking, At: s.officeTime(ev.At)})
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

// maxPage bounds ?page= so that its offset cannot overflow (a million pages is far more cases
// than an office ever holds).
const maxPage = 1_000_000

// casesList serves GET /api/cases?status=&service=&phone=&page=.
func (s *Server) casesList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.CaseFilter{Stage: strings.TrimSpace(q.Get("status")), Service: strings.TrimSpace(q.Get("service")),
		Limit: casesPerPage}
	if f.Stage != "" && !slices.Contains(lifecycle.Stages, f.Stage) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("unknown status %q; known: %s", f.Stage, strings.Join(lifecycle.Stages, ", ")))
		return
	}
	if _, ok := s.cfg.Services[f.Service]; f.Service != "" && !ok {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("unknown service %q", f.Service))
		return
	}
	if p := strings.TrimSpace(q.Get("phone")); p != "" {
		phone, err := ketanmu.NormalizePhone(p)
		if err != nil {
			s.writeErr(w, r, err)
			return
		}
		f.Phone = phone
	}
	page := 1
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > maxPage {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("page %q is not a number from 1", p))
			return
		}
		page = n
	}
	f.Offset = (page - 1) * casesPerPage
	cases, total, err := s.db.ListCases(r.Context(), f)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	out := make([]caseSummary, 0, len(cases))
	for _, c := range cases {
		out = append(out, s.summary(c, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": out, "page": page, "per_page": casesPerPage, "total": total})
}

// caseGet serves GET /api/cases/{number}. The caller holds the token: staff, who see the full NIK.
func (s *Server) caseGet(w http.ResponseWriter, r *http.Request) {
	s.writeCase(w, r, caseNumber(r))
}

func (s *Server) writeCase(w http.ResponseWriter, r *http.Request, number string) {
	f, err := s.db.CaseFile(r.Context(), number)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.detail(f))
}

// caseDocument serves GET /api/cases/{number}/documents/{id}: the decrypted file, its reading
// recorded with the actor named by X-Actor.
func (s *Server) caseDocument(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "document id must be a number")
		return
	}
	actor := strings.TrimSpace(r.Header.Get("X-Actor"))
	if actor == "" {
		actor = "api"
	}
	if err := checkActor(actor); err != nil {
		s.writeErr(w, r, err)
		return
	}
	m, err := s.db.ReadCaseDocument(r.Context(), caseNumber(r), id, actor)
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
	Actor    string `json:"actor"`
}

// caseTransition serves POST /api/cases/{number}/transition.
func (s *Server) caseTransition(w http.ResponseWriter, r *http.Request) {
	var req transitionRequest
	if !s.decodeCaseBody(w, r, &req) {
		return
	}
	req.To, req.Actor = strings.TrimSpace(req.To), strings.TrimSpace(req.Actor)
	req.Reason, req.Tracking = strings.TrimSpace(req.Reason), strings.TrimSpace(req.Tracking)
	if err := checkActor(req.Actor); err != nil {
		s.writeErr(w, r, err)
		return
	}
	if !slices.Contains(lifecycle.Stages, req.To) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("\"to\" must be a stage, one of: %s", strings.Join(lifecycle.Stages, ", ")))
		return
	}
	cr, ok := s.caseRouter(w)
	if !ok {
		return
	}
	number := caseNumber(r)
	_, err := cr.Transition(r.Context(), number, req.To, req.Reason, req.Tracking, req.Actor)
	if ketanmu.ErrorCode(err) == ketanmu.ECONFLICT {
		s.conflict(w, r, number, req.To)
		return
	}
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	s.writeCase(w, r, number)
}

// conflict answers a refused transition with the stages the case may move to instead.
func (s *Server) conflict(w http.ResponseWriter, r *http.Request, number, to string) {
	f, err := s.db.CaseFile(r.Context(), number)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	allowed := s.allowed(f.Case)
	msg := fmt.Sprintf("case %s is %s and cannot move to %s; allowed: %s", f.Number, f.Stage, to, strings.Join(allowed, ", "))
	if len(allowed) == 0 {
		msg = fmt.Sprintf("case %s is %s: its stage cannot change any more", f.Number, f.Stage)
	}
	writeJSON(w, http.StatusConflict, map[string]any{"error": msg, "stage": f.Stage, "allowed": allowed})
}

type replyRequest struct {
	Text  string `json:"text"`
	Actor string `json:"actor"`
}

// caseReply serves POST /api/cases/{number}/reply: text to the resident, through the outbox,
// kept as a note of the actor.
func (s *Server) caseReply(w http.ResponseWriter, r *http.Request) {
	var req replyRequest
	if !s.decodeCaseBody(w, r, &req) {
		return
	}
	req.Text, req.Actor = strings.TrimSpace(req.Text), strings.TrimSpace(req.Actor)
	if err := checkActor(req.Actor); err != nil {
		s.writeErr(w, r, err)
		return
	}
	if req.Text == "" {
		writeError(w, http.StatusBadRequest, "\"text\" is required: what the resident should read")
		return
	}
	if n := utf8.RuneCountInString(req.Text); n > maxReply {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("\"text\" has %d characters, over the limit of %d", n, maxReply))
		return
	}
	cr, ok := s.caseRouter(w)
	if !ok {
		return
	}
	number := caseNumber(r)
	if _, err := cr.Reply(r.Context(), number, req.Text, req.Actor); err != nil {
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

func (s *Server) caseRouter(w http.ResponseWriter) (CaseRouter, bool) {
	cr, ok := s.router.(CaseRouter)
	if !ok {
		writeError(w, http.StatusNotImplemented, "this server cannot change cases")
	}
	return cr, ok
}

// checkActor requires the name every write is recorded under.
func checkActor(actor string) error {
	switch {
	case actor == "":
		return ketanmu.Errorf(ketanmu.EINVALID, "\"actor\" is required: who makes this change")
	case utf8.RuneCountInString(actor) > maxActor:
		return ketanmu.Errorf(ketanmu.EINVALID, "\"actor\" is longer than %d characters", maxActor)
	}
	return nil
}
