package ops

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

// The chats page (/ops/chats): every chat that needs a person, live, and one chat's page with
// its transcript, the resident's cases, a reply box and the buttons that end the person's turn.
// Every action goes through the case service, as the WhatsApp commands do.

type chatRow struct {
	ID                         int64
	Reason, Phone, Masked      string
	Waiting, Last, Person, URL string
	Clock                      clockView
	Answered                   string
}

type chatsView struct {
	Rows []chatRow
}

type chatCaseView struct {
	Number, Service, Stage string
	Closed                 bool
}

type chatView struct {
	chatRow
	Account    string
	Open       bool
	ClosedBy   string
	Transcript []transcriptLine
	Cases      []chatCaseView
	Replies    []config.CannedReply
}

func (s *Server) opsChats(w http.ResponseWriter, r *http.Request, u *opsUser) {
	chats, err := s.cases().Chats(r.Context(), u.Actor)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	now := s.db.Now()
	var v chatsView
	for _, ch := range chats {
		v.Rows = append(v.Rows, s.chatRow(ch, now))
	}
	s.render(w, http.StatusOK, "chats", opsView{Title: "Chat", Nav: "chats", User: u, Page: v})
}

// chatReasons are the reasons a chat needs a person, as operators read them.
var chatReasons = map[string]string{store.ChatAsked: "Minta petugas", store.ChatStuck: "Bot tidak paham",
	store.ChatTaken: "Dipegang petugas"}

func (s *Server) chatRow(ch casework.ChatItem, now time.Time) chatRow {
	row := chatRow{ID: ch.ID, Reason: chatReasons[ch.Reason], Phone: ch.ChatRequest.Chat,
		Masked: ketanmu.MaskPhone(ch.ChatRequest.Chat), Person: ch.Person,
		Waiting: workTime(now.Sub(ch.OpenedAt)), URL: "/ops/chats/" + strconv.FormatInt(ch.ID, 10)}
	if row.Reason == "" {
		row.Reason = ch.Reason
	}
	if ch.LastInText != "" {
		row.Last = ch.LastInText
		if utf8.RuneCountInString(row.Last) > 120 {
			row.Last = string([]rune(row.Last)[:120]) + "…"
		}
	}
	if !ch.AnsweredAt.IsZero() {
		row.Answered = "dibalas " + ch.AnsweredBy + " · " + officeDate(ch.AnsweredAt, s.cfg)
	}
	cl := ch.Clock
	switch {
	case !cl.HasDeadline:
		row.Clock = clockView{Class: "none", Text: "–", Title: "Tanpa batas waktu balasan pertama"}
	case cl.Late > 0:
		row.Clock = clockView{Class: "late", Text: "lewat " + workTime(cl.Late),
			Title: "Balasan pertama lewat batas " + officeDate(cl.Due, s.cfg) + " (waktu kerja)"}
	case ch.Warn:
		row.Clock = clockView{Class: "soon", Text: "sisa " + workTime(cl.Left), Title: "Balas sebelum " + officeDate(cl.Due, s.cfg) + " (waktu kerja)"}
	default:
		row.Clock = clockView{Class: "ok", Text: "sisa " + workTime(cl.Left), Title: "Balas sebelum " + officeDate(cl.Due, s.cfg) + " (waktu kerja)"}
	}
	return row
}

func (s *Server) opsChat(w http.ResponseWriter, r *http.Request, u *opsUser) {
	v, err := s.chatView(r, u)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	view := opsView{Title: "Chat " + v.Masked, Nav: "chats", User: u, Page: v}
	if ok := r.URL.Query().Get("ok"); ok != "" {
		view.Flash = chatDoneText(ok)
	}
	s.render(w, http.StatusOK, "chat", view)
}

func chatID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, ketanmu.Errorf(ketanmu.ENOTFOUND, "chat tidak ditemukan")
	}
	return id, nil
}

func (s *Server) chatView(r *http.Request, u *opsUser) (chatView, error) {
	id, err := chatID(r)
	if err != nil {
		return chatView{}, err
	}
	f, err := s.cases().ChatByID(r.Context(), u.Actor, id)
	if err != nil {
		return chatView{}, err
	}
	v := chatView{chatRow: s.chatRow(f.ChatItem, s.db.Now()), Account: s.accountName(f.Account), Open: f.ClosedAt.IsZero(),
		ClosedBy: f.ClosedBy, Transcript: s.transcriptLines(f.Transcript, nil), Replies: s.cases().CannedReplies(nil)}
	for _, c := range f.Cases {
		v.Cases = append(v.Cases, chatCaseView{Number: c.Number, Service: s.serviceTitle(c),
			Stage: s.cases().StageName(c.Stage), Closed: lifecycle.Closed(c.Stage)})
	}
	return v, nil
}

func (s *Server) accountName(key string) string {
	if acc, ok := s.cfg.Account(key); ok && acc.Name != "" {
		return acc.Name
	}
	return key
}

// opsChatAction replies, marks the chat handled or hands it back to the bot.
func (s *Server) opsChatAction(w http.ResponseWriter, r *http.Request, u *opsUser) {
	id, err := chatID(r)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	action := r.PostFormValue("action")
	cw := s.cases()
	switch action {
	case "reply":
		err = cw.ReplyChat(r.Context(), u.Actor, id, r.PostFormValue("text"))
	case "handled":
		err = cw.ChatHandled(r.Context(), u.Actor, id)
	case "handback":
		err = cw.HandBackChat(r.Context(), u.Actor, id)
	default:
		err = ketanmu.Errorf(ketanmu.EINVALID, "tindakan tidak dikenal")
	}
	if err != nil {
		status, msg := opsStatus(err)
		if status == http.StatusInternalServerError {
			s.opsErr(w, r, u, err)
			return
		}
		s.log.Info("Workspace chat action refused", "operator", u.Actor.Name, "chat_request", id, "action", action, "status", status)
		v, verr := s.chatView(r, u)
		if verr != nil {
			s.opsFail(w, r, u, status, msg)
			return
		}
		s.render(w, status, "chat", opsView{Title: "Chat " + v.Masked, Nav: "chats", User: u, Error: msg, Page: v})
		return
	}
	http.Redirect(w, r, "/ops/chats/"+strconv.FormatInt(id, 10)+"?ok="+action, http.StatusSeeOther)
}

func chatDoneText(action string) string {
	switch action {
	case "reply":
		return "Balasan masuk antrean kirim WhatsApp. Bot diam di chat ini sampai dikembalikan."
	case "handled":
		return "Chat ditandai selesai ditangani."
	case "handback":
		return "Chat dikembalikan ke bot."
	}
	return ""
}

// transcriptLines is a chat's messages as the case and chat pages show them; docURL links a
// message's file to the case document it became.
func (s *Server) transcriptLines(msgs []store.TranscriptMessage, docURL map[int64]string) []transcriptLine {
	var out []transcriptLine
	for _, m := range msgs {
		line := transcriptLine{Text: m.Text, At: officeDate(m.At, s.cfg), Revoked: m.Revoked}
		switch {
		case m.Direction == "in" && m.FromMe:
			line.Who, line.Class = "HP kantor", "office"
		case m.Direction == "in":
			line.Who, line.Class = "Pemohon", "in"
		default:
			line.Who, line.Class = "Kantor", "out"
		}
		if m.MediaID != 0 {
			line.Media = strings.TrimSpace(m.Mime + " " + m.Filename)
			line.DocURL = docURL[m.MediaID]
		}
		if m.Unsupported != "" && line.Text == "" {
			line.Text = "(" + m.Unsupported + ")"
		}
		out = append(out, line)
	}
	return out
}
