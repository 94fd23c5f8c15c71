// Package ops is the operators' workspace (/ops/): its pages (the templates beside this file),
// sessions and login, and live updates.
package ops

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/store"
	"github.com/ketanmu/ketanmu/web/httpx"
)

// The operators' workspace (/ops/) is the case service's third adapter, next to the WhatsApp
// commands and the cases API: server-rendered pages over the same service, with sessions kept
// in SQLite and a CSRF token on every change.

//go:embed *.html static
var opsFS embed.FS

const (
	opsCookie      = "ketanmu_ops"
	opsLoginCookie = "ketanmu_ops_login"
	// loginWindow is how far back failed logins count.
	loginWindow = 15 * time.Minute
	// maxFailedFromAddress failed logins from one address in the window lock that address out.
	maxFailedFromAddress = 30
	maxOpsForm           = 64 << 10
	// liveHeader marks a request the page makes by itself (a live update): it does not count as
	// the person being active.
	liveHeader = "X-Ketanmu-Live"
)

// opsUser is the signed-in person of a workspace request.
type opsUser struct {
	Actor casework.Actor
	CSRF  string
	// session is the hash of the session's cookie (store.HashToken).
	session string
}

// Supervisor reports whether the user sees everything, the audit and the numbers' linking.
func (u *opsUser) Supervisor() bool { return u.Actor.Has(ketanmu.RoleSupervisor) }

// RoleNames are the user's roles as read on the page.
func (u *opsUser) RoleNames() string { return strings.Join(roleNames(u.Actor.Roles), ", ") }

func roleNames(roles []ketanmu.Role) []string {
	names := map[ketanmu.Role]string{ketanmu.RoleOperator: "petugas layanan", ketanmu.RoleValidator: "validator",
		ketanmu.RoleProduksi: "produksi", ketanmu.RoleKepala: "kepala dinas", ketanmu.RoleSupervisor: "supervisor",
		ketanmu.RolePengaduan: "petugas pengaduan"}
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		if n, ok := names[r]; ok {
			out = append(out, n)
		} else {
			out = append(out, string(r))
		}
	}
	return out
}

type opsHandler func(w http.ResponseWriter, r *http.Request, u *opsUser)

// opsState is what the workspace keeps in memory: the pages' templates, the streams of live
// updates (ended on shutdown) and the numbers being linked.
type opsState struct {
	pages       map[string]*template.Template
	streams     context.Context
	stopStreams context.CancelFunc
	// poll is how often a live stream looks for changes.
	poll time.Duration
	// dummyHash keeps a login with an unknown name as slow as one with a wrong password.
	dummyHash []byte

	linkMu sync.Mutex
	links  map[string]*linkJob
	// sessionStreams are the live streams per session, ended when it is signed out.
	sessionStreams sessionStreams
	// logins counts login attempts one at a time and remembers locked names and addresses.
	logins loginGate
}

func newOpsState() *opsState {
	st := &opsState{pages: map[string]*template.Template{}, poll: time.Second, links: map[string]*linkJob{}}
	st.streams, st.stopStreams = context.WithCancel(context.Background())
	st.dummyHash, _ = bcrypt.GenerateFromPassword([]byte("ketanmu-dummy"), bcrypt.DefaultCost)
	for _, page := range []string{"login", "queue", "case", "numbers", "reports", "skm", "audit", "error", "link", "sessions", "chats", "chat"} {
		st.pages[page] = template.Must(template.New("layout.html").Funcs(opsFuncs).
			ParseFS(opsFS, "layout.html", "link_banner.html", page+".html"))
	}
	return st
}

// CloseStreams ends the live-update streams, so that a shutdown does not wait for them.
func (s *Server) CloseStreams() { s.opsState().stopStreams() }

func (s *Server) opsState() *opsState {
	s.opsOnce.Do(func() { s.opsSt = newOpsState() })
	return s.opsSt
}

// Routes adds the workspace to mux.
func (s *Server) Routes(mux *http.ServeMux) {
	static, _ := fs.Sub(opsFS, "static")
	mux.Handle("GET /ops/static/", http.StripPrefix("/ops/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /ops", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ops/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /ops/login", s.opsLoginPage)
	mux.HandleFunc("POST /ops/login", s.opsLogin)
	mux.HandleFunc("POST /ops/logout", s.ops(s.opsLogout))
	mux.HandleFunc("GET /ops/{$}", s.ops(s.opsQueue))
	mux.HandleFunc("GET /ops/events", s.opsAuthed(s.opsEvents, false))
	mux.HandleFunc("GET /ops/cases/{number}", s.ops(s.opsCase))
	mux.HandleFunc("GET /ops/cases/{number}/documents/{id}", s.ops(s.opsDocument))
	mux.HandleFunc("GET /ops/cases/{number}/documents/{id}/thumb", s.ops(s.opsThumb))
	mux.HandleFunc("GET /ops/cases/{number}/label", s.ops(s.opsLabel))
	mux.HandleFunc("POST /ops/cases/{number}/actions", s.ops(s.opsAction))
	mux.HandleFunc("POST /ops/cases/{number}/output", s.opsUpload(s.opsOutput))
	mux.HandleFunc("GET /ops/chats", s.ops(s.opsChats))
	mux.HandleFunc("GET /ops/chats/{id}", s.ops(s.opsChat))
	mux.HandleFunc("POST /ops/chats/{id}/actions", s.ops(s.opsChatAction))
	mux.HandleFunc("GET /ops/notify", s.ops(s.opsNotify))
	mux.HandleFunc("GET /ops/numbers", s.ops(s.opsNumbers))
	mux.HandleFunc("POST /ops/numbers/{key}/link", s.ops(s.opsLinkStart))
	mux.HandleFunc("GET /ops/numbers/{key}/link", s.ops(s.opsLinkState))
	mux.HandleFunc("GET /ops/reports", s.ops(s.opsReports))
	mux.HandleFunc("GET /ops/reports/sla.csv", s.ops(s.opsReportCSV))
	s.skmRoutes(mux)
	mux.HandleFunc("GET /ops/audit", s.ops(s.opsAudit))
	mux.HandleFunc("GET /ops/audit.csv", s.ops(s.opsAuditCSV))
	mux.HandleFunc("GET /ops/link", s.ops(s.opsLinkPage))
	mux.HandleFunc("GET /ops/sessions", s.ops(s.opsSessions))
	mux.HandleFunc("POST /ops/sessions/{id}/end", s.ops(s.opsSessionEnd))
	mux.HandleFunc("/ops/", s.ops(func(w http.ResponseWriter, r *http.Request, u *opsUser) {
		s.opsFail(w, r, u, http.StatusNotFound, "Halaman tidak ditemukan.")
	}))
}

func (s *Server) ops(h opsHandler) http.HandlerFunc { return s.opsAuthed(h, true) }

// opsAuthed lets a request through with a valid session only, and a state-changing one only with
// the session's CSRF token. touch: the request counts as the person being active (unless the page
// made it by itself).
func (s *Server) opsAuthed(h opsHandler, touch bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		opsHeaders(w)
		live := r.Header.Get(liveHeader) != ""
		u, state, err := s.opsSession(r, touch && !live)
		if err != nil {
			s.opsFail(w, r, nil, http.StatusInternalServerError, "")
			s.log.Error("Workspace session lookup failed", "error", err)
			return
		}
		if state != store.SessionValid {
			msg := "Silakan masuk terlebih dahulu."
			if state == store.SessionExpired {
				msg = "Sesi Anda sudah berakhir. Silakan masuk lagi."
			}
			if r.Method == http.MethodGet && !live && r.URL.Path != "/ops/events" {
				q := url.Values{"next": {r.URL.RequestURI()}}
				if state == store.SessionExpired {
					q.Set("m", "expired")
				}
				http.Redirect(w, r, "/ops/login?"+q.Encode(), http.StatusSeeOther)
				return
			}
			s.opsFail(w, r, nil, http.StatusUnauthorized, msg)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxOpsForm)
			if err := r.ParseForm(); err != nil {
				s.opsFail(w, r, u, http.StatusBadRequest, "Isian formulir tidak bisa dibaca.")
				return
			}
			if !sameToken(r.PostFormValue("csrf"), u.CSRF) {
				s.log.Warn("Workspace request without a valid CSRF token", "path", r.URL.Path, "operator", u.Actor.Name)
				s.opsFail(w, r, u, http.StatusForbidden,
					"Permintaan ditolak: token keamanan formulir tidak ada atau tidak cocok. Muat ulang halaman, lalu coba lagi.")
				return
			}
		}
		h(w, r, u)
	}
}

func (s *Server) opsSession(r *http.Request, touch bool) (*opsUser, store.SessionState, error) {
	c, err := r.Cookie(opsCookie)
	if err != nil || c.Value == "" {
		return nil, store.SessionNone, nil
	}
	sess, state, err := s.db.SessionByToken(r.Context(), c.Value, s.cfg.Ops.IdleTimeout, touch)
	if err != nil || state != store.SessionValid {
		return nil, state, err
	}
	if over, err := s.sessionExpired(r.Context(), c.Value, sess); over || err != nil {
		return nil, store.SessionExpired, err
	}
	return &opsUser{Actor: casework.OperatorActor(sess.Operator), CSRF: sess.CSRF, session: store.HashToken(c.Value)}, state, nil
}

func opsHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'")
}

func sameToken(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/ops/", MaxAge: maxAge, HttpOnly: true,
		Secure: httpx.Secure(r, s.cfg.Ops.PublicURL), SameSite: http.SameSiteStrictMode})
}

type loginView struct {
	Name, Next, Token string
	Names             []string
}

func (s *Server) opsLoginPage(w http.ResponseWriter, r *http.Request) {
	opsHeaders(w)
	if u, state, err := s.opsSession(r, false); err == nil && state == store.SessionValid && u != nil {
		http.Redirect(w, r, "/ops/", http.StatusSeeOther)
		return
	}
	v := opsView{Title: "Masuk"}
	switch r.URL.Query().Get("m") {
	case "expired":
		v.Error = "Sesi Anda berakhir karena lama tidak aktif. Silakan masuk lagi."
	case "out":
		v.Flash = "Anda sudah keluar."
	}
	s.renderLogin(w, r, http.StatusOK, v, "")
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, v opsView, name string) {
	tok := randomToken()
	s.setCookie(w, r, opsLoginCookie, tok, int(time.Hour.Seconds()))
	lv := loginView{Name: name, Next: safeNext(r.FormValue("next")), Token: tok}
	if s.signIn != nil {
		err := s.db.View(r.Context(), func(tx *store.Tx) error {
			ops, err := tx.Operators()
			for _, op := range ops {
				lv.Names = append(lv.Names, op.Name)
			}
			return err
		})
		if err != nil {
			s.log.Error("Listing operators for the login page failed", "error", err)
		}
	}
	v.Page = lv
	s.render(w, status, "login", v)
}

// safeNext keeps a page to return to after login only when it is one of ours.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/ops/") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return "/ops/"
}

func (s *Server) opsLogin(w http.ResponseWriter, r *http.Request) {
	opsHeaders(w)
	r.Body = http.MaxBytesReader(w, r.Body, maxOpsForm)
	if err := r.ParseForm(); err != nil {
		s.renderLogin(w, r, http.StatusBadRequest, opsView{Title: "Masuk", Error: "Isian formulir tidak bisa dibaca."}, "")
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	password := r.PostFormValue("password")
	c, err := r.Cookie(opsLoginCookie)
	if err != nil || !sameToken(r.PostFormValue("login_token"), c.Value) {
		s.renderLogin(w, r, http.StatusForbidden, opsView{Title: "Masuk",
			Error: "Formulir masuk sudah kedaluwarsa. Silakan coba lagi."}, name)
		return
	}
	ctx := r.Context()
	addr := httpx.ClientAddr(r, s.cfg.HTTP.TrustedProxies)
	nameKey := "name:" + strings.ToLower(name)
	// The attempt is counted before the password is checked: of simultaneous guesses only
	// ops.max_failed_logins reach bcrypt, and a right password during a lockout is refused too.
	attempt, allowed, err := s.opsState().logins.reserve(ctx, s.db,
		store.LoginLimit{Key: nameKey, Max: s.cfg.Ops.MaxFailedLogins}, store.LoginLimit{Key: "addr:" + addr, Max: maxFailedFromAddress})
	if err != nil {
		s.log.Error("Login throttle failed", "error", err)
		s.renderLogin(w, r, http.StatusInternalServerError, opsView{Title: "Masuk", Error: "Terjadi kesalahan di server. Coba lagi sebentar lagi."}, name)
		return
	}
	if !allowed {
		s.log.Warn("Login throttled", "remote", addr)
		s.renderLogin(w, r, http.StatusTooManyRequests, opsView{Title: "Masuk",
			Error: "Terlalu banyak percobaan masuk yang gagal. Tunggu 15 menit, lalu coba lagi."}, name)
		return
	}
	op, ok := s.checkPassword(ctx, name, password)
	if !ok {
		s.log.Info("Login failed", "remote", addr)
		s.renderLogin(w, r, http.StatusUnauthorized, opsView{Title: "Masuk", Error: "Nama atau kata sandi salah."}, name)
		return
	}
	token, csrf := randomToken(), randomToken()
	if err := s.db.CreateSession(ctx, op.ID, token, csrf); err != nil {
		s.log.Error("Creating a session failed", "error", err)
		s.renderLogin(w, r, http.StatusInternalServerError, opsView{Title: "Masuk", Error: "Terjadi kesalahan di server. Coba lagi sebentar lagi."}, name)
		return
	}
	if err := s.db.LoginSucceeded(ctx, attempt, nameKey); err != nil {
		s.log.Error("Clearing failed logins failed", "error", err)
	}
	s.log.Info("Operator signed in", "operator", op.Name)
	s.setCookie(w, r, opsLoginCookie, "", -1)
	s.setCookie(w, r, opsCookie, token, 0)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// checkPassword finds the active operator called name whose password this is, or whom the
// wiring's sign-in aid (the simulator's) lets in with it.
func (s *Server) checkPassword(ctx context.Context, name, password string) (ketanmu.Operator, bool) {
	op, err := s.db.OperatorNamed(ctx, name)
	if err != nil {
		if ketanmu.ErrorCode(err) != ketanmu.ENOTFOUND {
			s.log.Error("Operator lookup failed", "error", err)
		}
		s.compareHash(s.opsState().dummyHash, password)
		return op, false
	}
	if s.signIn != nil && s.signIn.Accepts(op, password) {
		return op, true
	}
	if op.PasswordHash == "" {
		s.compareHash(s.opsState().dummyHash, password)
		return op, false
	}
	return op, s.compareHash([]byte(op.PasswordHash), password)
}

// compareHash checks a password against its bcrypt hash, counting the check (PasswordChecks).
func (s *Server) compareHash(hash []byte, password string) bool {
	s.passwordChecks.Add(1)
	return bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
}

// PasswordChecks is how many passwords were checked against a bcrypt hash since start: what
// the login limits bound.
func (s *Server) PasswordChecks() int64 { return s.passwordChecks.Load() }

func (s *Server) opsLogout(w http.ResponseWriter, r *http.Request, u *opsUser) {
	if c, err := r.Cookie(opsCookie); err == nil {
		if err := s.db.DeleteSession(r.Context(), c.Value); err != nil {
			s.log.Error("Sign-out failed", "error", err)
		}
		s.endStreams(store.HashToken(c.Value))
	}
	s.setCookie(w, r, opsCookie, "", -1)
	s.log.Info("Operator signed out", "operator", u.Actor.Name)
	http.Redirect(w, r, "/ops/login?m=out", http.StatusSeeOther)
}

// opsView is what every page's layout needs.
type opsView struct {
	Title string
	Nav   string
	User  *opsUser
	Flash string
	Error string
	Sim   bool
	Page  any
	Link  []linkAlert // numbers logged out or banned (supervisors' banner)
}

func (s *Server) render(w http.ResponseWriter, status int, page string, v opsView) {
	v.Sim = s.sim
	if v.User != nil && v.User.Supervisor() {
		v.Link = s.linkAlerts()
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.opsState().pages[page].ExecuteTemplate(w, "layout.html", v); err != nil {
		s.log.Error("Rendering a workspace page failed", "page", page, "error", err)
	}
}

// opsFail answers with an error page; msg "" is the polite generic message.
func (s *Server) opsFail(w http.ResponseWriter, r *http.Request, u *opsUser, status int, msg string) {
	if msg == "" {
		msg = "Terjadi kesalahan di server. Coba lagi sebentar lagi."
	}
	s.render(w, status, "error", opsView{Title: "Tidak bisa", User: u, Error: msg})
}

// opsErr answers a coded error from the case service with its status and its user-safe message;
// anything else is logged once, here, and answered with the generic message.
func (s *Server) opsErr(w http.ResponseWriter, r *http.Request, u *opsUser, err error) {
	status, msg := httpx.Status(s.log, r, err)
	s.opsFail(w, r, u, status, opsMessage(status, msg))
}

// erasedText stands in the workspace for a file the retention purge emptied.
const erasedText = "Dokumen ini sudah dihapus sesuai masa simpan."

// unavailableText stands in the workspace for a write the full disk refused (ketanmu.EUNAVAILABLE).
const unavailableText = "Penyimpanan server penuh, jadi tidak ada yang tersimpan. Coba lagi setelah ruang disk dikosongkan."

// opsMessage is a coded error's message as the workspace shows it: a sentence, the erased
// document's own text, or "" (the polite generic message) for an internal error.
func opsMessage(status int, msg string) string {
	switch {
	case status == http.StatusInternalServerError:
		return ""
	case status == http.StatusGone:
		return erasedText
	case status == http.StatusServiceUnavailable:
		return unavailableText
	}
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return msg
}

// opsStatus is a coded error's status and its message as the workspace shows it.
func opsStatus(err error) (int, string) {
	status := ketanmu.HTTPStatus(err)
	return status, opsMessage(status, ketanmu.ErrorMessage(err))
}
