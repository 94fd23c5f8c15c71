package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
)

type simMedia struct {
	Mime     string `json:"mime"`
	Filename string `json:"filename"`
	Data     string `json:"data"`
}

type simMessage struct {
	Account string    `json:"account"`
	From    string    `json:"from"`
	Sender  string    `json:"sender"`
	Text    string    `json:"text"`
	Media   *simMedia `json:"media"`
	FromMe  bool      `json:"from_me"`
	Quote   string    `json:"quote"`
	ID      string    `json:"id"`
}

type replyMedia struct {
	Mime     string `json:"mime"`
	Filename string `json:"filename"`
}

type simReply struct {
	ID     string      `json:"id"`
	To     string      `json:"to"`
	Text   string      `json:"text"`
	Media  *replyMedia `json:"media,omitempty"`
	Revoke string      `json:"revoke,omitempty"` // the message deleted for everyone
}

func (s *Server) simPost(w http.ResponseWriter, r *http.Request) {
	// base64 grows data by a third; leave room for the rest of the JSON.
	limit := s.cfg.Storage.MaxMediaBytes*4/3 + 1<<16
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var req simMessage
	if err := decodeJSON(r.Body, &req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request larger than %d bytes", limit))
			return
		}
		writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	in, err := s.inboundFromSim(req)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	res, err := s.router.Handle(r.Context(), in)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	replies := make([]simReply, 0, len(res.Replies))
	for _, m := range res.Replies {
		rep := simReply{ID: m.ID, To: m.Chat, Text: m.Text, Revoke: m.Revoke}
		if m.Media != nil {
			rep.Media = &replyMedia{Mime: m.Media.Mime, Filename: m.Media.Filename}
		}
		replies = append(replies, rep)
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": in.ID, "duplicate": res.Duplicate, "replies": replies})
}

// decodeJSON decodes one JSON value from r into v and refuses anything after it, so that a
// truncated or concatenated body is invalid JSON rather than half a request.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// inboundFromSim validates a simulator request and turns it into what a transport delivers.
func (s *Server) inboundFromSim(req simMessage) (ketanmu.Inbound, error) {
	acc, ok := s.cfg.Account(req.Account)
	if !ok {
		return ketanmu.Inbound{}, ketanmu.Errorf(ketanmu.ENOTFOUND, "unknown account %q", req.Account)
	}
	in := ketanmu.Inbound{Account: acc.Key, ID: strings.TrimSpace(req.ID), FromMe: req.FromMe,
		Quote: req.Quote, Kind: ketanmu.KindText, Text: req.Text}
	chat, err := s.simChat(acc, req.From, req.FromMe)
	if err != nil {
		return in, err
	}
	in.Chat = chat
	if ketanmu.IsGroup(chat) && !req.FromMe {
		if in.Sender, err = ketanmu.NormalizePhone(req.Sender); err != nil {
			return in, ketanmu.Errorf(ketanmu.EINVALID, "a group message needs \"sender\", the member's phone: %s", ketanmu.ErrorMessage(err))
		}
	}
	if req.Media != nil {
		if in.Media, err = s.decodeMedia(*req.Media); err != nil {
			return in, err
		}
		in.Kind, in.Unsupported = kindOfMime(in.Media.Mime)
	} else if strings.TrimSpace(req.Text) == "" {
		return in, ketanmu.Errorf(ketanmu.EINVALID, "a message needs \"text\" or \"media\"")
	}
	if in.ID == "" {
		in.ID = ketanmu.NewMessageID()
	}
	return in, nil
}

// simChat resolves "from": a phone in any common form, or the account's operators' group.
func (s *Server) simChat(acc config.Account, from string, fromMe bool) (string, error) {
	from = strings.TrimSpace(from)
	if from == "" {
		return "", ketanmu.Errorf(ketanmu.EINVALID, "\"from\" is required: the resident's phone or the operators' group id")
	}
	if ketanmu.IsGroup(from) {
		if from != acc.OperatorsGroup {
			return "", ketanmu.Errorf(ketanmu.EINVALID, "group %q is not the operators' group of account %q", from, acc.Key)
		}
		return from, nil
	}
	phone, err := ketanmu.NormalizePhone(from)
	if err != nil {
		return "", err
	}
	if phone == acc.Phone && !fromMe {
		return "", ketanmu.Errorf(ketanmu.EINVALID, "\"from\" is the office's own number: the office's \"message yourself\" chat needs from_me")
	}
	return phone, nil
}

func (s *Server) decodeMedia(m simMedia) (*ketanmu.Media, error) {
	if m.Mime == "" {
		return nil, ketanmu.Errorf(ketanmu.EINVALID, "media.mime is required")
	}
	data, err := base64.StdEncoding.DecodeString(m.Data)
	if err != nil {
		return nil, ketanmu.Errorf(ketanmu.EINVALID, "media.data is not valid base64")
	}
	if len(data) == 0 {
		return nil, ketanmu.Errorf(ketanmu.EINVALID, "media.data is empty")
	}
	if int64(len(data)) > s.cfg.Storage.MaxMediaBytes {
		return nil, ketanmu.Errorf(ketanmu.ETOOLARGE, "media is %d bytes, over the limit of %d", len(data), s.cfg.Storage.MaxMediaBytes)
	}
	return &ketanmu.Media{Mime: strings.ToLower(m.Mime), Filename: m.Filename, Size: int64(len(data)), Data: data}, nil
}

// kindOfMime maps a mime type to what WhatsApp would have delivered.
func kindOfMime(mime string) (ketanmu.Kind, string) {
	switch {
	case mime == "image/webp":
		return ketanmu.KindUnsupported, "sticker"
	case strings.HasPrefix(mime, "image/"):
		return ketanmu.KindImage, ""
	case strings.HasPrefix(mime, "audio/"):
		return ketanmu.KindUnsupported, "voice"
	case strings.HasPrefix(mime, "video/"):
		return ketanmu.KindUnsupported, "video"
	}
	return ketanmu.KindDocument, ""
}

type transcriptMedia struct {
	Mime     string `json:"mime"`
	Filename string `json:"filename"`
	Size     int64  `json:"size"`
	URL      string `json:"url"`
}

type transcriptEntry struct {
	ID          string           `json:"id"`
	Direction   string           `json:"direction"`
	FromMe      bool             `json:"from_me"`
	Sender      string           `json:"sender,omitempty"`
	Kind        string           `json:"kind"`
	Text        string           `json:"text"`
	Unsupported string           `json:"unsupported,omitempty"`
	Media       *transcriptMedia `json:"media"`
	Quote       string           `json:"quote,omitempty"`
	Revoked     bool             `json:"revoked"`
	At          string           `json:"at"`
	// Status is the delivery of an outgoing message: queued, sent or failed; SentAt once sent.
	Status string `json:"status,omitempty"`
	SentAt string `json:"sent_at,omitempty"`
}

func (s *Server) simTranscript(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	acc, ok := s.cfg.Account(q.Get("account"))
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown account %q", q.Get("account")))
		return
	}
	chat, err := s.simChat(acc, q.Get("chat"), true)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	msgs, err := s.db.Transcript(r.Context(), acc.Key, chat)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	out := make([]transcriptEntry, 0, len(msgs))
	for _, m := range msgs {
		e := transcriptEntry{ID: m.ID, Direction: m.Direction, FromMe: m.FromMe, Sender: m.Sender, Kind: m.Kind,
			Text: m.Text, Unsupported: m.Unsupported, Quote: m.Quote, Revoked: m.Revoked,
			At: m.At.In(s.cfg.Office.Location).Format(time.RFC3339), Status: m.Status}
		if !m.SentAt.IsZero() {
			e.SentAt = m.SentAt.In(s.cfg.Office.Location).Format(time.RFC3339)
		}
		if m.MediaID != 0 {
			e.Media = &transcriptMedia{Mime: m.Mime, Filename: m.Filename, Size: m.Size,
				URL: "/api/sim/media/" + strconv.FormatInt(m.MediaID, 10)}
		}
		out = append(out, e)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) simMedia(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "media id must be a number")
		return
	}
	m, err := s.db.Media(r.Context(), id)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", m.Mime)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// A resident's file is never run as a page of ours, whatever type it claims.
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'")
	if !strings.HasPrefix(m.Mime, "image/") && m.Mime != "application/pdf" {
		w.Header().Set("Content-Disposition", "attachment")
	}
	_, _ = w.Write(m.Data)
}

func (s *Server) simClock(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Advance string `json:"advance"`
	}
	if err := decodeJSON(http.MaxBytesReader(w, r.Body, 4096), &req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	d, err := time.ParseDuration(req.Advance)
	if err != nil || d < 0 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("advance %q is not a non-negative Go duration such as 2h30m", req.Advance))
		return
	}
	now := s.sim.Clock.Advance(d)
	if s.sim.RunDue != nil {
		if err := s.sim.RunDue(r.Context(), now); err != nil {
			s.writeErr(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"now": now.In(s.cfg.Office.Location).Format(time.RFC3339)})
}

func (s *Server) simClockGet(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"now": s.sim.Clock.Now().In(s.cfg.Office.Location).Format(time.RFC3339)})
}

type simAccount struct {
	Key            string   `json:"key"`
	Name           string   `json:"name"`
	Phone          string   `json:"phone"`
	Services       []string `json:"services"`
	OperatorsGroup string   `json:"operators_group"`
}

func (s *Server) simAccounts(w http.ResponseWriter, r *http.Request) {
	out := make([]simAccount, 0, len(s.cfg.Accounts))
	for _, a := range s.cfg.Accounts {
		out = append(out, simAccount{Key: a.Key, Name: a.Name, Phone: a.Phone, Services: a.Services, OperatorsGroup: a.OperatorsGroup})
	}
	writeJSON(w, http.StatusOK, out)
}

type simChat struct {
	Chat   string `json:"chat"`
	Kind   string `json:"kind"` // resident, group, self (the office's "message yourself"), operator
	Name   string `json:"name,omitempty"`
	LastAt string `json:"last_at"`
	Count  int    `json:"count"`
}

// simChats lists the chats of an account that have messages, newest first, so the page shows
// chats it did not open itself (an operator's private chat, a resident told by a command).
func (s *Server) simChats(w http.ResponseWriter, r *http.Request) {
	acc, ok := s.cfg.Account(r.URL.Query().Get("account"))
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("unknown account %q", r.URL.Query().Get("account")))
		return
	}
	chats, err := s.db.Chats(r.Context(), acc.Key)
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	out := make([]simChat, 0, len(chats))
	for _, c := range chats {
		sc := simChat{Chat: c.Chat, Kind: "resident", Count: c.Count,
			LastAt: c.LastAt.In(s.cfg.Office.Location).Format(time.RFC3339)}
		switch op, isOp := s.cfg.Operator(c.Chat); {
		case ketanmu.IsGroup(c.Chat):
			sc.Kind = "group"
		case c.Chat == acc.Phone:
			sc.Kind = "self"
		case isOp:
			sc.Kind, sc.Name = "operator", op.Name
		}
		out = append(out, sc)
	}
	writeJSON(w, http.StatusOK, out)
}
