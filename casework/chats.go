package casework

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/store"
)

// ChatItem is a chat that needs a person, as staff read it: the request, who has the chat now and
// the clock of its first response.
type ChatItem struct {
	store.ChatRequest
	// Person is who has the chat now (the bot is silent there), or "".
	Person string
	// Clock is the first response's working-time clock; without a deadline once answered.
	Clock Clock
	// Warn: the first response has used sla.warn_at of its working time.
	Warn bool
}

// ChatFile is one chat with its transcript and the resident's cases this actor may see.
type ChatFile struct {
	ChatItem
	Transcript []store.TranscriptMessage
	Cases      []ketanmu.Case
}

// PersonRequested records that the resident of conv needs a person (reason store.ChatAsked or
// store.ChatStuck; service: the one they were in, if any) and returns the notices for the
// operators who read about that chat, each linking to the chat's page in the workspace.
func (s *Service) PersonRequested(tx *store.Tx, acc config.Account, conv store.Conversation, reason, service string) ([]ketanmu.Outbound, error) {
	if _, ok := s.cfg.Services[service]; !ok {
		service = ""
	}
	if service == "" {
		c, ok, err := tx.LatestOpenCase(conv.Account, conv.Chat)
		if err != nil {
			return nil, err
		}
		if ok {
			service = c.Service
		}
	}
	var due time.Time
	if fr := s.cfg.Handoff.FirstResponse; !fr.IsZero() {
		due = s.cfg.Office.Calendar.Add(tx.Now(), fr)
	}
	id, err := tx.OpenChatRequest(conv.Account, conv.Chat, reason, service, due)
	if err != nil {
		return nil, err
	}
	if err := tx.MarkNeedsHuman(conv.Account, conv.Chat); err != nil {
		return nil, err
	}
	ops, err := tx.Operators()
	if err != nil {
		return nil, err
	}
	key := "group_needs_human"
	if reason == store.ChatStuck {
		key = "group_stuck"
	}
	text := s.cfg.Texts.Get(key, "phone", ketanmu.MaskPhone(conv.Chat), "link", s.ChatLink(id))
	var out []ketanmu.Outbound
	for _, to := range OperatorChats(s.cfg, ops, acc, service) {
		out = append(out, ketanmu.Outbound{Account: acc.Key, Chat: to, Text: text})
	}
	return out, nil
}

// ChatLink is the address of a chat's page in the workspace.
func (s *Service) ChatLink(id int64) string {
	return s.cfg.WorkspaceURL("/ops/chats/" + strconv.FormatInt(id, 10))
}

// Chats lists the chats that need a person and that actor may read, the longest waiting first:
// a resident who asked for one, a chat the bot could not place, a chat a person has taken.
func (s *Service) Chats(ctx context.Context, actor Actor) ([]ChatItem, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	var out []ChatItem
	err := s.db.View(ctx, func(tx *store.Tx) error {
		reqs, err := tx.OpenChatRequests()
		if err != nil {
			return err
		}
		for _, r := range reqs {
			ch := s.chatOf(r, tx.Now())
			if r.Reason == store.ChatTaken && ch.Person == "" {
				continue // the person went quiet for longer than idle_release: the bot has it again
			}
			ok, err := s.mayReadChat(tx, actor, r)
			if err != nil {
				return err
			}
			if ok {
				out = append(out, ch)
			}
		}
		return nil
	})
	return out, err
}

// ChatByID loads one chat, open or closed, with its transcript and the resident's cases.
func (s *Service) ChatByID(ctx context.Context, actor Actor, id int64) (ChatFile, error) {
	if err := requireStaff(actor); err != nil {
		return ChatFile{}, err
	}
	var f ChatFile
	err := s.db.View(ctx, func(tx *store.Tx) error {
		r, err := s.visibleChat(tx, actor, id)
		if err != nil {
			return err
		}
		f.ChatItem = s.chatOf(r, tx.Now())
		if r.ResidentID == 0 {
			return nil
		}
		cases, err := tx.ResidentCases(r.ResidentID, 20)
		for _, c := range cases {
			if s.canSee(actor, c.Service) {
				f.Cases = append(f.Cases, c)
			}
		}
		return err
	})
	if err != nil {
		return f, err
	}
	f.Transcript, err = s.db.Transcript(ctx, f.Account, f.ChatRequest.Chat)
	return f, err
}

// visibleChat finds a request actor may read; one they may not is not found.
func (s *Service) visibleChat(tx *store.Tx, actor Actor, id int64) (store.ChatRequest, error) {
	r, err := tx.ChatRequestByID(id)
	if ketanmu.ErrorCode(err) == ketanmu.ENOTFOUND {
		return r, ketanmu.Errorf(ketanmu.ENOTFOUND, "chat tidak ditemukan")
	}
	if err != nil {
		return r, err
	}
	ok, err := s.mayReadChat(tx, actor, r)
	if err == nil && !ok {
		err = ketanmu.Errorf(ketanmu.ENOTFOUND, "chat tidak ditemukan")
	}
	return r, err
}

// mayReadChat: a chat about a complaint, or that holds a case actor may not see, is not theirs
// to read (the same rule as a case's transcript).
func (s *Service) mayReadChat(tx *store.Tx, actor Actor, r store.ChatRequest) (bool, error) {
	if r.Service != "" && !s.canSee(actor, r.Service) {
		return false, nil
	}
	services, err := tx.ChatServices(r.Account, r.Chat)
	if err != nil {
		return false, err
	}
	return !slices.ContainsFunc(services, func(svc string) bool { return !s.canSee(actor, svc) }), nil
}

func (s *Service) chatOf(r store.ChatRequest, now time.Time) ChatItem {
	ch := ChatItem{ChatRequest: r}
	if r.HumanBy != "" && now.Sub(r.HumanAt) < s.cfg.Handoff.IdleRelease {
		ch.Person = r.HumanBy
	}
	ch.Clock, ch.Warn = ChatClockAt(s.cfg, r, now)
	return ch
}

// ChatClockAt is how the first response to request r stands at now, in working time, and
// whether it has used sla.warn_at of its time (then its operators are warned): the rule of the
// chats page and of the SLA scan. An answered or closed request has no deadline any more.
func ChatClockAt(cfg *config.Config, r store.ChatRequest, now time.Time) (Clock, bool) {
	if !r.AnsweredAt.IsZero() || r.DueAt.IsZero() || !r.ClosedAt.IsZero() {
		return Clock{}, false
	}
	cal := cfg.Office.Calendar
	if !r.DueAt.After(now) {
		return Clock{HasDeadline: true, Late: max(cal.Between(r.DueAt, now), time.Nanosecond), Due: r.DueAt}, true
	}
	total := cal.Between(r.OpenedAt, r.DueAt)
	warn := cfg.SLA.WarnAt > 0 && total > 0 && cal.Between(r.OpenedAt, now) >= time.Duration(float64(total)*cfg.SLA.WarnAt)
	return Clock{HasDeadline: true, Left: cal.Between(now, r.DueAt), Due: r.DueAt}, warn
}

// ReplyChat sends text to the resident of chat request id, exactly as #balas in that chat does
// (ReplyInChat).
func (s *Service) ReplyChat(ctx context.Context, actor Actor, id int64, text string) error {
	return s.onChat(ctx, actor, id, func(tx *store.Tx, r store.ChatRequest) ([]ketanmu.Outbound, error) {
		return s.ReplyInChat(tx, actor, r.Account, r.Chat, text)
	})
}

// ReplyInChat sends text to a resident's chat; a person has the chat from then on. With an
// open case it is the case's Reply (noted on the case, a waiting case taken); without one the
// message goes alone. The WhatsApp command #balas and the workspace both come here.
func (s *Service) ReplyInChat(tx *store.Tx, actor Actor, account, chat, text string) ([]ketanmu.Outbound, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	c, ok, err := tx.LatestOpenCase(account, chat)
	if err != nil {
		return nil, err
	}
	if ok {
		o, err := s.Apply(tx, actor, c, Action{Kind: Reply, Text: text})
		return o.Messages, err
	}
	if err := checkText(text); err != nil {
		return nil, err
	}
	conv, err := tx.Conversation(account, chat)
	if err != nil {
		return nil, err
	}
	out := []ketanmu.Outbound{{Account: account, Chat: chat, Address: conv.Address, Text: strings.TrimSpace(text)}}
	return out, s.personHas(tx, &conv, actor.Name)
}

// checkText refuses a message to a resident that is empty or too long.
func checkText(text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return ketanmu.Errorf(ketanmu.EINVALID, "teksnya kosong")
	}
	if utf8.RuneCountInString(text) > MaxText {
		return ketanmu.Errorf(ketanmu.EINVALID, "teks terlalu panjang (lebih dari %d karakter)", MaxText)
	}
	return nil
}

// personHas records that who has the chat from now on and has answered it.
func (s *Service) personHas(tx *store.Tx, conv *store.Conversation, who string) error {
	TakeChat(conv, who, tx.Now())
	if err := tx.SaveConversation(*conv); err != nil {
		return err
	}
	return tx.AnswerChatRequest(conv.Account, conv.Chat, who)
}

// ChatHandled ends chat request id: the resident has what they needed. A person who had the
// chat leaves it to the bot without a word to the resident (the conversation is over).
func (s *Service) ChatHandled(ctx context.Context, actor Actor, id int64) error {
	return s.onChat(ctx, actor, id, func(tx *store.Tx, r store.ChatRequest) ([]ketanmu.Outbound, error) {
		if !r.ClosedAt.IsZero() {
			return nil, ketanmu.Errorf(ketanmu.ECONFLICT, "chat ini sudah ditandai selesai")
		}
		conv, err := tx.Conversation(r.Account, r.Chat)
		if err != nil {
			return nil, err
		}
		if conv.HumanBy != "" {
			ReleaseChat(&conv)
			if err := tx.SaveConversation(conv); err != nil {
				return nil, err
			}
		}
		_, err = tx.CloseChatRequest(r.Account, r.Chat, actor.Name)
		return nil, err
	})
}

// HandBackChat hands chat request id's chat back to the bot, as #bot does in that chat.
func (s *Service) HandBackChat(ctx context.Context, actor Actor, id int64) error {
	return s.onChat(ctx, actor, id, func(tx *store.Tx, r store.ChatRequest) ([]ketanmu.Outbound, error) {
		return s.HandBack(tx, actor, r.Account, r.Chat, true)
	})
}

// onChat runs fn on chat request id, visible to actor, in one transaction that queues the
// messages fn returns; the outbox is woken afterwards.
func (s *Service) onChat(ctx context.Context, actor Actor, id int64,
	fn func(tx *store.Tx, r store.ChatRequest) ([]ketanmu.Outbound, error)) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	var msgs []ketanmu.Outbound
	err := s.db.Update(ctx, func(tx *store.Tx) error {
		r, err := s.visibleChat(tx, actor, id)
		if err != nil {
			return err
		}
		if msgs, err = fn(tx, r); err != nil {
			return err
		}
		msgs, err = s.outbox.Queue(tx, msgs)
		return err
	})
	if err != nil {
		return err
	}
	s.notify(msgs)
	return nil
}

// CannedReplies are the office's ready-made replies (ops.replies) with what is known filled in:
// the office, its address and hours, and, about case c (nil: none), its number and name.
func (s *Service) CannedReplies(c *ketanmu.Case) []config.CannedReply {
	pairs := []string{"office", s.cfg.Office.Name, "address", s.cfg.Office.Address,
		"hours", flows.HoursLine(s.cfg.Office.Hours, s.cfg.Texts.Get("closed"))}
	if c != nil {
		pairs = append(pairs, "number", c.Number, "name", OrDash(c.Name))
	}
	out := make([]config.CannedReply, 0, len(s.cfg.Ops.Replies))
	for _, r := range s.cfg.Ops.Replies {
		out = append(out, config.CannedReply{Title: r.Title, Text: ketanmu.Fill(r.Text, pairs...)})
	}
	return out
}
