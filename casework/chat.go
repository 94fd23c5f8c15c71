package casework

import (
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

// HasPerson reports whether a person has the chat: someone took it (typed on the office phone or
// replied through the workspace or the API) and has not been quiet for longer than idle. While a
// person has it, the bot never answers the resident.
func HasPerson(conv store.Conversation, now time.Time, idle time.Duration) bool {
	return conv.HumanBy != "" && now.Sub(conv.HumanAt) < idle
}

// TakeChat records that who has the chat from now on.
func TakeChat(conv *store.Conversation, who string, now time.Time) {
	conv.HumanBy, conv.HumanAt = who, now
}

// ReleaseChat records that the bot has the chat again.
func ReleaseChat(conv *store.Conversation) { conv.HumanBy = "" }

// TakeChatTyped is the office phone typing in a resident's chat: a person has it now, and a
// waiting case of that chat is being looked at.
func (s *Service) TakeChatTyped(tx *store.Tx, conv store.Conversation) ([]ketanmu.Outbound, error) {
	acc, _ := s.cfg.Account(conv.Account)
	actor := OfficePhoneOf(s.cfg, acc)
	if err := s.personHas(tx, &conv, actor.Name); err != nil {
		return nil, err
	}
	var out []ketanmu.Outbound
	return out, s.lookAtWaitingCase(tx, actor, conv, &out)
}

// lookAtWaitingCase moves the chat's waiting case, if any, to being checked by actor; a profile
// that does not pass through that stage leaves it waiting.
func (s *Service) lookAtWaitingCase(tx *store.Tx, actor Actor, conv store.Conversation, out *[]ketanmu.Outbound) error {
	c, ok, err := tx.LatestOpenCase(conv.Account, conv.Chat)
	if err != nil || !ok || !lifecycle.Waiting(c.Stage) {
		return err
	}
	m := mover{s: s, tx: tx, actor: actor, out: out}
	if m.check(c, ketanmu.StageVerifying) != nil {
		return nil
	}
	s.log.Info("Operator took the chat", "account", conv.Account, "chat", ketanmu.MaskPhone(conv.Chat), "case_number", c.Number)
	return m.move(c, ketanmu.StageVerifying, "", "", "")
}

// reply sends text to the case's resident; a person has the chat from then on, exactly as when
// an operator types on the office phone.
func (m mover) reply(c ketanmu.Case, text string) error {
	conv, err := m.tx.Conversation(c.Account, c.Chat)
	if err != nil {
		return err
	}
	m.send(ketanmu.Outbound{Account: c.Account, Chat: c.Chat, Address: conv.Address, Text: text})
	if err := m.s.personHas(m.tx, &conv, m.actor.Name); err != nil {
		return err
	}
	if err := m.tx.AddNote(c.ID, m.actor.Name, m.s.cfg.Texts.Get("note_reply", "text", text)); err != nil {
		return err
	}
	if lifecycle.Closed(c.Stage) {
		return nil
	}
	return m.s.lookAtWaitingCase(m.tx, m.actor, conv, m.out)
}

// HandBack hands a resident's chat back to the bot and ends its need of a person. Asked for
// explicitly (say), a chat the bot already has and nobody waits in is refused; as part of
// closing a case it is silently nothing to do.
func (s *Service) HandBack(tx *store.Tx, actor Actor, account, chat string, say bool) ([]ketanmu.Outbound, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	var out []ketanmu.Outbound
	m := mover{s: s, tx: tx, actor: actor, out: &out}
	return out, m.handBack(account, chat, say)
}

func (m mover) handBack(account, chat string, say bool) error {
	conv, err := m.tx.Conversation(account, chat)
	if err != nil {
		return err
	}
	closed, err := m.tx.CloseChatRequest(account, chat, m.actor.Name)
	if err != nil {
		return err
	}
	if conv.HumanBy == "" {
		if say && !closed {
			return ketanmu.Errorf(ketanmu.ECONFLICT, "%s", m.s.cfg.Texts.Get("op_bot_already"))
		}
		return nil // the bot never left: no "welcome back" for the resident
	}
	ReleaseChat(&conv)
	if err := m.tx.SaveConversation(conv); err != nil {
		return err
	}
	m.send(ketanmu.Outbound{Account: account, Chat: chat, Address: conv.Address, Text: m.s.cfg.Texts.Get("handback")})
	return nil
}

// reopenFlow puts the resident's conversation on the items an operator asked them to resend.
// The bot collects them, so an operator who had the chat hands it back: otherwise the resent
// photos would be recorded in silence and the case would wait for ever.
func (s *Service) reopenFlow(tx *store.Tx, c ketanmu.Case, what string, docs []string) error {
	return editState(tx, c, func(st *flows.State, conv *store.Conversation) bool {
		*st = s.flows.Reopen(*st, flows.FixRequest{Number: c.Number, Service: c.Service, What: what, Docs: docs})
		ReleaseChat(conv)
		return true
	})
}

// dropFix forgets an operator's request to resend items once the case has left needs_fix by
// another way (rejected, moved on), so the resident's next photos are not taken for it.
func (s *Service) dropFix(tx *store.Tx, c ketanmu.Case) error {
	return editState(tx, c, func(st *flows.State, _ *store.Conversation) bool { return st.DropFix(c.Number) })
}

// editState changes the conversation of case c's chat; edit reports whether it changed anything.
func editState(tx *store.Tx, c ketanmu.Case, edit func(*flows.State, *store.Conversation) bool) error {
	conv, err := tx.Conversation(c.Account, c.Chat)
	if err != nil {
		return err
	}
	st, err := flows.LoadState(conv.State)
	if err != nil {
		return err
	}
	if !edit(&st, &conv) {
		return nil
	}
	if conv.State, err = flows.SaveState(st); err != nil {
		return err
	}
	return tx.SaveConversation(conv)
}

// Resubmitted attaches what the resident resent for a case waiting on them, puts it back in the
// queue, and tells the operators with the new photos only and the resident's answer. A case an
// operator moved on meanwhile takes nothing: what the resident sent stays in the chat.
func (s *Service) Resubmitted(tx *store.Tx, conv store.Conversation, fix flows.FixDone) ([]ketanmu.Outbound, error) {
	c, err := tx.CaseByNumber(fix.Number)
	if err != nil {
		return nil, err
	}
	if c.ResidentID != conv.ResidentID || c.Stage != ketanmu.StageNeedsFix {
		s.log.Warn("Fix arrived for a case no longer waiting on it", "case_number", fix.Number, "stage", c.Stage)
		return nil, nil
	}
	before, err := tx.CaseDocuments(c.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range fix.Documents {
		if err := tx.AttachDocument(c.ID, c.Account, d.Key, d.MessageID); err != nil {
			return nil, err
		}
	}
	if fix.Note != "" {
		if err := tx.AddNote(c.ID, residentActor, fix.Note); err != nil {
			return nil, err
		}
	}
	p, _ := s.cfg.Profile(c.Service)
	asked, err := s.fixAskedIn(tx, c)
	if err != nil {
		return nil, err
	}
	to := p.Resume(asked)
	if err := p.Check(c.Stage, to); err != nil {
		return nil, err
	}
	if err := s.record(tx, c, to, residentActor, fix.Note, "", ""); err != nil {
		return nil, err
	}
	// Back to the step that asked, with its assignee: marked, so that nobody takes it for new.
	if err := tx.MarkFixReturned(c.ID); err != nil {
		return nil, err
	}
	if c, err = tx.CaseByNumber(c.Number); err != nil {
		return nil, err
	}
	docs, err := tx.CaseDocuments(c.ID)
	if err != nil {
		return nil, err
	}
	var extra []string
	if fix.Note != "" {
		extra = append(extra, "• "+s.cfg.Texts.Get("field_notes")+": "+fix.Note)
	}
	// Documents are only ever added: the ones after those the case had are this fix's.
	return s.cards(tx, c, s.CardText(c, "card_fixed", extra...), docs[len(before):])
}

// fixAskedIn is the stage the case was in when the fix it waits for was asked.
func (s *Service) fixAskedIn(tx *store.Tx, c ketanmu.Case) (ketanmu.Stage, error) {
	evs, err := tx.CaseEvents(c.ID)
	if err != nil {
		return "", err
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].To == c.Stage {
			return evs[i].From, nil
		}
	}
	return "", nil
}
