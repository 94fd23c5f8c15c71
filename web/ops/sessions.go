package ops

import (
	"context"
	"net/http"
	"strconv"
	"sync"

	"github.com/ketanmu/ketanmu/store"
)

// A person sees their own signed-in sessions (this browser and any other) and may end the
// others; ending a session, or signing out, also ends that session's live-update streams.

// sessionStreams are the live-update streams open per session (by token hash).
type sessionStreams struct {
	mu   sync.Mutex
	next uint64
	m    map[string]map[uint64]context.CancelFunc
}

// streamContext is r's context, also ended when r's session is signed out.
func (s *Server) streamContext(r *http.Request, u *opsUser) (context.Context, func()) {
	ctx, cancel := context.WithCancel(r.Context())
	ss := &s.opsState().sessionStreams
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.m == nil {
		ss.m = map[string]map[uint64]context.CancelFunc{}
	}
	if ss.m[u.session] == nil {
		ss.m[u.session] = map[uint64]context.CancelFunc{}
	}
	ss.next++
	id := ss.next
	ss.m[u.session][id] = cancel
	return ctx, func() {
		cancel()
		ss.mu.Lock()
		defer ss.mu.Unlock()
		delete(ss.m[u.session], id)
		if len(ss.m[u.session]) == 0 {
			delete(ss.m, u.session)
		}
	}
}

// endStreams ends the live-update streams of the session with this token hash.
func (s *Server) endStreams(tokenHash string) {
	ss := &s.opsState().sessionStreams
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for _, cancel := range ss.m[tokenHash] {
		cancel()
	}
}

type sessionRow struct {
	ID            int64
	Created, Seen string
	Current       bool
}

type sessionsPage struct {
	Sessions []sessionRow
	Others   int
}

func (s *Server) opsSessions(w http.ResponseWriter, r *http.Request, u *opsUser) {
	list, err := s.db.OperatorSessions(r.Context(), u.Actor.ID)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	var p sessionsPage
	for _, ses := range list {
		row := sessionRow{ID: ses.ID, Created: officeDate(ses.Created, s.cfg), Seen: officeDate(ses.Seen, s.cfg),
			Current: ses.TokenHash == u.session}
		if !row.Current {
			p.Others++
		}
		p.Sessions = append(p.Sessions, row)
	}
	v := opsView{Title: "Sesi aktif", Nav: "sessions", User: u, Page: p}
	if r.URL.Query().Get("m") == "ended" {
		v.Flash = "Sesi itu sudah diakhiri."
	}
	s.render(w, http.StatusOK, "sessions", v)
}

// opsSessionEnd signs out one of the person's own sessions (another browser or device).
func (s *Server) opsSessionEnd(w http.ResponseWriter, r *http.Request, u *opsUser) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.opsFail(w, r, u, http.StatusNotFound, "Sesi tidak ditemukan.")
		return
	}
	hash, err := s.db.EndOperatorSession(r.Context(), u.Actor.ID, id)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	s.endStreams(hash)
	s.log.Info("Operator ended a session", "operator", u.Actor.Name)
	if hash == u.session {
		s.setCookie(w, r, opsCookie, "", -1)
		http.Redirect(w, r, "/ops/login?m=out", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/ops/sessions?m=ended", http.StatusSeeOther)
}

// sessionExpired tells whether a valid session has outlived ops.session_max; it is then ended.
func (s *Server) sessionExpired(ctx context.Context, token string, sess store.Session) (bool, error) {
	if s.db.Now().Sub(sess.Created) < s.cfg.Ops.SessionMax {
		return false, nil
	}
	s.endStreams(store.HashToken(token))
	return true, s.db.DeleteSession(ctx, token)
}
