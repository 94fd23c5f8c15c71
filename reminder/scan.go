package reminder

import (
	"context"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/sla"
	"github.com/ketanmu/ketanmu/store"
)

// Reminder kinds, as recorded in the reminders table.
const (
	kindWarning    = "warning"    // to the assignee (else the group) at warn_at of the stage's time
	kindBreach     = "breach"     // to the group at the deadline; level n > 0 is the nth repeat
	kindEscalation = "escalation" // to the supervisors, with repeat escalate_at_repeat
	kindResident   = "resident"   // to the resident, once per case
)

// item is one reminder the scan decided to send.
type item struct {
	c     store.SLACase
	kind  string
	level int
}

func (it item) reminder() store.Reminder {
	r := store.Reminder{CaseID: it.c.ID, Kind: it.kind, Stage: string(it.c.Stage), StageAt: it.c.StageAt, Level: it.level}
	if it.kind == kindResident {
		r.Stage, r.StageAt = "", time.Time{}
	}
	return r
}

// Scan sends every reminder due at now that was not sent before, and returns the messages it
// queued. It does nothing while the office is closed: working time does not pass then, and
// what came due goes out at the next opening.
//
// It first reads the cases without a write lock and, only when something is due, reads those
// cases again in the write transaction, records each reminder (a reminder another scan has
// recorded is skipped) and queues the messages: one per recipient, whatever the number of cases.
func (s *Scheduler) Scan(ctx context.Context, now time.Time) ([]ketanmu.Outbound, error) {
	now = s.local(now)
	if !s.cfg.Office.Calendar.IsOpen(now) {
		return nil, nil
	}
	chats, err := s.scanChats(ctx, now)
	if err != nil {
		return nil, err
	}
	msgs, err := s.scanCases(ctx, now)
	return append(chats, msgs...), err
}

// scanCases sends the reminders about cases (Scan).
func (s *Scheduler) scanCases(ctx context.Context, now time.Time) ([]ketanmu.Outbound, error) {
	cases, err := s.db.SLACases(ctx)
	if err != nil {
		return nil, err
	}
	var staff roster
	if err := s.db.View(ctx, func(tx *store.Tx) (err error) { staff.ops, err = tx.Operators(); return err }); err != nil {
		return nil, err
	}
	var ids []int64
	for _, c := range cases {
		if len(s.plan(c, now, staff)) > 0 {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var sent int
	msgs, err := s.send.Send(ctx, func(tx *store.Tx) ([]ketanmu.Outbound, error) {
		cases, err := tx.SLACases(ids)
		if err != nil {
			return nil, err
		}
		var due []item
		for _, c := range cases {
			for _, it := range s.plan(c, now, staff) {
				fresh, err := tx.RecordReminder(it.reminder())
				if err != nil {
					return nil, err
				}
				if fresh {
					due = append(due, it)
				}
			}
		}
		sent = len(due)
		return s.messages(tx, due, now, staff)
	})
	if err != nil {
		return nil, err
	}
	if sent > 0 {
		s.log.Info("SLA reminders queued", "reminders", sent, "messages", len(msgs))
	}
	return msgs, nil
}

// plan lists the reminders due for c at now that its Sent does not show: before the deadline a
// warning, from the deadline on the breach notices and what goes with them; and, once the date
// promised to the resident has passed, their update.
func (s *Scheduler) plan(c store.SLACase, now time.Time, staff roster) []item {
	if lifecycle.PausesClock(c.Stage) || c.StageDue.IsZero() {
		return nil
	}
	var out []item
	if s.rules.NotifyResident && sentLevel(c, kindResident) < 0 && lifecycle.ResidentLate(c.Stage, c.Due, now) {
		out = append(out, item{c, kindResident, 0})
	}
	if now.Before(c.StageDue) {
		return append(out, s.planWarning(c, now)...)
	}
	return append(out, s.planBreach(c, now, staff)...)
}

// sentLevel is the highest level of kind sent about c, or -1.
func sentLevel(c store.SLACase, kind string) int {
	if l, ok := c.Sent[kind]; ok {
		return l
	}
	return -1
}

// planWarning warns once the stage has used warn_at of its working time.
func (s *Scheduler) planWarning(c store.SLACase, now time.Time) []item {
	if s.rules.WarnAt <= 0 || sentLevel(c, kindWarning) >= 0 {
		return nil
	}
	start := c.StageAt
	if start.IsZero() { // a case from before stage_at was recorded
		start = c.CreatedAt
	}
	total := casework.Elapsed(s.cfg, c.Service, start, c.StageDue)
	if total > 0 && casework.Elapsed(s.cfg, c.Service, start, now) >= time.Duration(float64(total)*s.rules.WarnAt) {
		return []item{{c, kindWarning, 0}}
	}
	return nil
}

// planBreach sends the breach notice or, one working interval after another, its latest
// repeat (never the ones a longer silence skipped); and the escalation with repeat
// escalate_at_repeat, only once that many notices went out before it (it says "after being
// reminded").
func (s *Scheduler) planBreach(c store.SLACase, now time.Time, staff roster) []item {
	r := s.rules
	maxLevel := 0
	if r.RepeatEvery > 0 {
		maxLevel = r.MaxRepeats
	}
	escalate := r.EscalateAtRepeat > 0 && len(staff.supervisors()) > 0
	if sentLevel(c, kindBreach) >= maxLevel && (!escalate || sentLevel(c, kindEscalation) >= 0) {
		return nil // all said: spare the long breaches a count of working time on every scan
	}
	level := 0
	if r.RepeatEvery > 0 {
		level = min(int(s.cfg.Office.Calendar.Between(c.StageDue, now)/r.RepeatEvery), maxLevel)
	}
	var out []item
	if level > sentLevel(c, kindBreach) {
		out = append(out, item{c, kindBreach, level})
	}
	if escalate && level >= r.EscalateAtRepeat && c.Count[kindBreach] >= r.EscalateAtRepeat && sentLevel(c, kindEscalation) < 0 {
		out = append(out, item{c, kindEscalation, 0})
	}
	return out
}

// recipient is a chat of one of the office's numbers.
type recipient struct{ account, chat string }

// messages groups the reminders by recipient, one message each, in the order the recipients
// first appear; each resident gets their own update.
func (s *Scheduler) messages(tx *store.Tx, due []item, now time.Time, staff roster) ([]ketanmu.Outbound, error) {
	var order []recipient
	byChat := map[recipient][]item{}
	add := func(to recipient, it item) {
		if _, ok := byChat[to]; !ok {
			order = append(order, to)
		}
		byChat[to] = append(byChat[to], it)
	}
	var residents []ketanmu.Outbound
	// caseChats is where operators read about c (casework.OperatorChats: never a group that
	// may not see a complaint).
	caseChats := func(c ketanmu.Case) ([]string, error) {
		acc, ok := s.cfg.Account(c.Account)
		if !ok {
			return nil, nil // an account no longer in the config
		}
		return casework.OperatorChats(s.cfg, staff.ops, acc, c.Service), nil
	}
	for _, it := range due {
		c := it.c
		switch it.kind {
		case kindWarning, kindBreach:
			if it.kind == kindWarning {
				if phone := staff.phoneOf(c.Assignee); phone != "" {
					add(recipient{c.Account, phone}, it)
					continue
				}
			}
			chats, err := caseChats(c.Case)
			if err != nil {
				return nil, err
			}
			for _, chat := range chats {
				add(recipient{c.Account, chat}, it)
			}
		case kindEscalation:
			for _, op := range staff.supervisors() {
				add(recipient{c.Account, op.Phone}, it)
			}
		case kindResident:
			conv, err := tx.Conversation(c.Account, c.Chat)
			if err != nil {
				return nil, err
			}
			if casework.HasPerson(conv, tx.Now(), s.cfg.Handoff.IdleRelease) {
				continue // an operator is talking with the resident: the bot does not talk over them
			}
			residents = append(residents, ketanmu.Outbound{Account: c.Account, Chat: c.Chat, Address: conv.Address,
				Text: s.text("sla_resident_breach", "number", c.Number, "service", s.serviceName(c.Service),
					"due", sla.FormatDateID(s.local(c.Due)), "stage", s.cfg.Text("stage_"+string(c.Stage)))})
		}
	}
	var out []ketanmu.Outbound
	for _, to := range order {
		if to.chat == "" {
			continue // an account no longer in the config
		}
		// Commands work in the group and the office's own chat, not in an operator's private chat.
		acc, _ := s.cfg.Account(to.account)
		commands := ketanmu.IsGroup(to.chat) || to.chat == acc.Phone
		out = append(out, ketanmu.Outbound{Account: to.account, Chat: to.chat, Text: s.operatorText(byChat[to], commands, now)})
	}
	return append(out, residents...), nil
}

// roster is the staff as the operators table holds them, read once per scan.
type roster struct{ ops []ketanmu.Operator }

// supervisors are the operators with the supervisor role and a phone, who get the escalations.
func (r roster) supervisors() []ketanmu.Operator { return casework.Supervisors(r.ops) }

// phoneOf is an operator's own phone (where a warning about their case goes first), or "".
func (r roster) phoneOf(name string) string {
	for _, op := range r.ops {
		if name != "" && op.Name == name {
			return op.Phone
		}
	}
	return ""
}
