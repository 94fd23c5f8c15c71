package reminder

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/sla"
	"github.com/ketanmu/ketanmu/store"
)

// chatItem is one reminder about a chat whose resident waits for a person's first answer.
type chatItem struct {
	r    store.ChatRequest
	kind string // kindWarning or kindBreach
}

// scanChats warns the operators once a request for a person has used warn_at of its first
// response's working time, and tells them once when it has passed (handoff.first_response):
// one message per operators' chat, each request once (chat_requests.warned_at, breached_at).
func (s *Scheduler) scanChats(ctx context.Context, now time.Time) ([]ketanmu.Outbound, error) {
	var sent int
	msgs, err := s.send.Send(ctx, func(tx *store.Tx) ([]ketanmu.Outbound, error) {
		reqs, err := tx.OpenChatRequests()
		if err != nil {
			return nil, err
		}
		var due []chatItem
		for _, r := range reqs {
			cl, warn := casework.ChatClockAt(s.cfg, r, now)
			kind := ""
			switch {
			case cl.Late > 0 && r.BreachedAt.IsZero():
				kind = kindBreach
			case warn && cl.Late == 0 && r.WarnedAt.IsZero():
				kind = kindWarning
			}
			if kind == "" {
				continue
			}
			if err := tx.MarkChatReminded(r.ID, kind); err != nil {
				return nil, err
			}
			due = append(due, chatItem{r, kind})
		}
		sent = len(due)
		if sent == 0 {
			return nil, nil
		}
		ops, err := tx.Operators()
		if err != nil {
			return nil, err
		}
		return s.chatMessages(due, ops, now), nil
	})
	if sent > 0 {
		s.log.Info("Chat SLA reminders queued", "reminders", sent, "messages", len(msgs))
	}
	return msgs, err
}

// chatMessages groups the reminders by the operators' chat that reads about each resident's
// chat (casework.OperatorChats), one message per chat.
func (s *Scheduler) chatMessages(due []chatItem, ops []ketanmu.Operator, now time.Time) []ketanmu.Outbound {
	var order []recipient
	byChat := map[recipient][]chatItem{}
	for _, it := range due {
		acc, ok := s.cfg.Account(it.r.Account)
		if !ok {
			continue // an account no longer in the config
		}
		for _, chat := range casework.OperatorChats(s.cfg, ops, acc, it.r.Service) {
			to := recipient{it.r.Account, chat}
			if _, ok := byChat[to]; !ok {
				order = append(order, to)
			}
			byChat[to] = append(byChat[to], it)
		}
	}
	var out []ketanmu.Outbound
	for _, to := range order {
		out = append(out, ketanmu.Outbound{Account: to.account, Chat: to.chat, Text: s.chatText(byChat[to], now)})
	}
	return out
}

func (s *Scheduler) chatText(items []chatItem, now time.Time) string {
	cal := s.cfg.Office.Calendar
	var parts []string
	for _, sec := range []struct{ kind, header string }{{kindBreach, "chat_sla_breach"}, {kindWarning, "chat_sla_warning"}} {
		var lines []string
		for _, it := range items {
			if it.kind != sec.kind {
				continue
			}
			left := s.text("sla_left", "time", sla.FormatDurationID(cal.Between(now, it.r.DueAt)))
			if it.kind == kindBreach {
				left = s.text("sla_late", "time", sla.FormatDurationID(cal.Between(it.r.DueAt, now)))
			}
			lines = append(lines, s.text("chat_sla_line", "phone", ketanmu.MaskPhone(it.r.Chat),
				"since", sla.FormatDateTimeID(s.local(it.r.OpenedAt)), "time", left,
				"link", s.cfg.WorkspaceURL("/ops/chats/"+strconv.FormatInt(it.r.ID, 10))))
		}
		if len(lines) > 0 {
			parts = append(parts, s.text(sec.header, "count", strconv.Itoa(len(lines)))+"\n"+strings.Join(lines, "\n"))
		}
	}
	return strings.Join(parts, "\n\n")
}
