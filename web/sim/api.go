package sim

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
	"github.com/ketanmu/ketanmu/web/httpx"
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
	// At is when the message was sent (RFC 3339), as WhatsApp stamps it; default now. A message
	// older than whatsapp.offline_max_age is left to the operators, as on WhatsApp.
	At string `json:"at"`
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

// simMaxText is the longest text (or caption) WhatsApp lets anyone send, in characters; the
// simulator refuses longer ones with 413 as it cannot be sent.
const simMaxText = 65536

// simBodyLimit is the hard HTTP limit of a simulator message: room for a file of twice
// storage.max_media_bytes in base64 and the rest of the JSON. A file over max_media_bytes but
// under this is answered as WhatsApp would (a polite reply); only bigger bodies are refused.
func (s *Server) simBodyLimit() int64 {
	return 2*s.cfg.Storage.MaxMediaBytes*4/3 + 1<<20
}

func (s *Server) simPost(w http.ResponseWriter, r *http.Request) {
	limit := s.simBodyLimit()
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var req simMessage
	if err := httpx.DecodeJSON(r.Body, &req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			httpx.Error(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request larger than %d bytes", limit))
			return
		}
		httpx.Error(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	rec, data, err := s.receivedFromSim(req)
	if err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	res, err := s.inbox.Receive(r.Context(), rec, data)
	if err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	if res.Skipped != "" {
		// What WhatsApp would not hand to the bot: nothing stored, nothing answered.
		httpx.JSON(w, http.StatusOK, map[string]any{"id": rec.ID, "skipped": res.Skipped, "replies": []simReply{}})
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
	httpx.JSON(w, http.StatusOK, map[string]any{"id": res.ID, "duplicate": res.Duplicate, "replies": replies})
}

// receivedFromSim validates a simulator request and describes it as a transport would: the
// intake then decides about it exactly as for WhatsApp. data is the file's content, if any.
func (s *Server) receivedFromSim(req simMessage) (Received, []byte, error) {
	acc, ok := s.cfg.Account(req.Account)
	if !ok {
		return Received{}, nil, ketanmu.Errorf(ketanmu.ENOTFOUND, "unknown account %q", req.Account)
	}
	if n := utf8.RuneCountInString(req.Text); n > simMaxText {
		return Received{}, nil, ketanmu.Errorf(ketanmu.ETOOLARGE, "text of %d characters; WhatsApp sends at most %d", n, simMaxText)
	}
	rec := Received{Account: acc.Key, ID: strings.TrimSpace(req.ID), FromMe: req.FromMe,
		Quote: req.Quote, Text: req.Text}
	chat, err := s.simChat(acc, req.From, req.FromMe)
	if err != nil {
		return rec, nil, err
	}
	rec.Chat = chat
	if ketanmu.IsGroup(chat) && !req.FromMe {
		if rec.Sender, err = ketanmu.NormalizePhone(req.Sender); err != nil {
			return rec, nil, ketanmu.Errorf(ketanmu.EINVALID, "a group message needs \"sender\", the member's phone: %s", ketanmu.ErrorMessage(err))
		}
	}
	if req.At != "" {
		if rec.At, err = time.Parse(time.RFC3339, req.At); err != nil {
			return rec, nil, ketanmu.Errorf(ketanmu.EINVALID, "\"at\" %q is not an RFC 3339 time", req.At)
		}
	}
	var data []byte
	if req.Media != nil {
		if rec.File, data, err = decodeMedia(*req.Media); err != nil {
			return rec, nil, err
		}
	} else if strings.TrimSpace(req.Text) == "" {
		return rec, nil, ketanmu.Errorf(ketanmu.EINVALID, "a message needs \"text\" or \"media\"")
	}
	if rec.ID == "" {
		rec.ID = ketanmu.NewMessageID()
	}
	return rec, data, nil
}

// simChat resolves "from": a phone in any common form, or the account's operators' group.
func (s *Server) simChat(acc config.Account, from string, fromMe bool) (string, error) {
	from = strings.TrimSpace(from)
	if from == "" {
		return "", ketanmu.Errorf(ketanmu.EINVALID, "\"from\" is required: the resident's phone or the operators' group id")
	}
	if ketanmu.IsGroup(from) {
		if !slices.Contains(acc.Groups(), from) {
			return "", ketanmu.Errorf(ketanmu.EINVALID, "group %q is not an operators' group of account %q", from, acc.Key)
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

// decodeMedia reads an uploaded file. Its size is checked by the intake, like a file WhatsApp
// announces: an oversize file is answered politely, not refused here.
func decodeMedia(m simMedia) (*File, []byte, error) {
	if m.Mime == "" {
		return nil, nil, ketanmu.Errorf(ketanmu.EINVALID, "media.mime is required")
	}
	data, err := base64.StdEncoding.DecodeString(m.Data)
	if err != nil {
		return nil, nil, ketanmu.Errorf(ketanmu.EINVALID, "media.data is not valid base64")
	}
	if len(data) == 0 {
		return nil, nil, ketanmu.Errorf(ketanmu.EINVALID, "media.data is empty")
	}
	return &File{Mime: m.Mime, Filename: m.Filename, Size: int64(len(data))}, data, nil
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
		httpx.Error(w, http.StatusNotFound, fmt.Sprintf("unknown account %q", q.Get("account")))
		return
	}
	chat, err := s.simChat(acc, q.Get("chat"), true)
	if err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	msgs, err := s.db.Transcript(r.Context(), acc.Key, chat)
	if err != nil {
		httpx.Err(s.log, w, r, err)
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
	httpx.JSON(w, http.StatusOK, out)
}

func (s *Server) simMedia(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, "media id must be a number")
		return
	}
	m, err := s.db.Media(r.Context(), id)
	if err != nil {
		httpx.Err(s.log, w, r, err)
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
	if err := httpx.DecodeJSON(http.MaxBytesReader(w, r.Body, 4096), &req); err != nil {
		httpx.Error(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	d, err := time.ParseDuration(req.Advance)
	if err != nil || d < 0 {
		httpx.Error(w, http.StatusBadRequest, fmt.Sprintf("advance %q is not a non-negative Go duration such as 2h30m", req.Advance))
		return
	}
	// What was about to go goes first; only then does the jump age what is still queued.
	if err := s.settle(r.Context()); err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	now := s.clock.Advance(d)
	if err := s.runDue(r.Context(), now); err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]string{"now": now.In(s.cfg.Office.Location).Format(time.RFC3339)})
}

func (s *Server) simClockGet(w http.ResponseWriter, r *http.Request) {
	httpx.JSON(w, http.StatusOK, map[string]string{"now": s.clock.Now().In(s.cfg.Office.Location).Format(time.RFC3339)})
}

type simAccount struct {
	Key            string   `json:"key"`
	Name           string   `json:"name"`
	Phone          string   `json:"phone"`
	Services       []string `json:"services"`
	OperatorsGroup string   `json:"operators_group"`
	// ComplaintsGroup is additive to the contract: the account's complaints group, if any.
	ComplaintsGroup string `json:"complaints_group,omitempty"`
}

func (s *Server) simAccounts(w http.ResponseWriter, r *http.Request) {
	out := make([]simAccount, 0, len(s.cfg.Accounts))
	for _, a := range s.cfg.Accounts {
		out = append(out, simAccount{Key: a.Key, Name: a.Name, Phone: a.Phone, Services: a.Services,
			OperatorsGroup: a.OperatorsGroup, ComplaintsGroup: a.ComplaintsGroup})
	}
	httpx.JSON(w, http.StatusOK, out)
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
		httpx.Error(w, http.StatusNotFound, fmt.Sprintf("unknown account %q", r.URL.Query().Get("account")))
		return
	}
	chats, err := s.db.Chats(r.Context(), acc.Key)
	if err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	var ops []ketanmu.Operator
	if err := s.db.View(r.Context(), func(tx *store.Tx) (err error) { ops, err = tx.Operators(); return err }); err != nil {
		httpx.Err(s.log, w, r, err)
		return
	}
	opByPhone := map[string]ketanmu.Operator{}
	for _, op := range ops {
		opByPhone[op.Phone] = op
	}
	out := make([]simChat, 0, len(chats))
	for _, c := range chats {
		sc := simChat{Chat: c.Chat, Kind: "resident", Count: c.Count,
			LastAt: c.LastAt.In(s.cfg.Office.Location).Format(time.RFC3339)}
		switch op, isOp := opByPhone[c.Chat]; {
		case ketanmu.IsGroup(c.Chat):
			sc.Kind = "group"
		case c.Chat == acc.Phone:
			sc.Kind = "self"
		case isOp:
			sc.Kind, sc.Name = "operator", op.Name
		}
		out = append(out, sc)
	}
	httpx.JSON(w, http.StatusOK, out)
}
