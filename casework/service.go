package casework

import (
	"context"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

// Flows is what the case service needs of the resident conversations: reopening a chat on the
// items an operator asked for.
type Flows interface {
	Reopen(st flows.State, fix flows.FixRequest) flows.State
	Requirements(service, subtype string, details map[string]string) [][]string
	Invite(st flows.State, number string, now time.Time) (flows.State, bool)
}

var _ Flows = (*flows.Engine)(nil)

// Service carries out operator actions and answers operator queries.
type Service struct {
	db     *store.DB
	cfg    *config.Config
	flows  Flows
	outbox Outbox
	log    *slog.Logger
}

// Outbox is how the service queues messages: the one queueing path of the program (lanes and
// the proactive rule), and waking the outbox once the transaction committed.
type Outbox interface {
	// Queue puts msgs in the outbox inside tx and returns those queued.
	Queue(tx *store.Tx, msgs []ketanmu.Outbound) ([]ketanmu.Outbound, error)
	// Notify is called after a commit that queued messages for account.
	Notify(account string)
}

// New returns the case service; outbox is required (the program's wiring, internal/app, gives
// the production rules).
func New(db *store.DB, cfg *config.Config, fl Flows, outbox Outbox, log *slog.Logger) *Service {
	return &Service{db: db, cfg: cfg, flows: fl, outbox: outbox, log: log}
}

// Kind names an operator action.
type Kind string

// The actions. Move goes to a named stage and is carried out as the action that stage means
// (ActionFor), so that every way into a stage obeys the same rules.
const (
	Take     Kind = "take"     // the actor takes the case (a waiting case is then being checked)
	Assign   Kind = "assign"   // give the case to another operator (Assignee)
	Advance  Kind = "advance"  // the next stage of the profile's usual path
	AskFix   Kind = "fix"      // the resident must resend Docs (or what Text says)
	Reject   Kind = "reject"   // cancelled, Text is the reason told to the resident
	Ship     Kind = "ship"     // handed to the post with Tracking
	Pickup   Kind = "pickup"   // ready at the counter
	Close    Kind = "close"    // done
	Note     Kind = "note"     // a private note, Text
	Reply    Kind = "reply"    // Text to the resident; a person has the chat from then on
	HandBack Kind = "handback" // the bot answers the resident again
	Move     Kind = "move"     // to stage To
)

// Action is one operator action on a case.
type Action struct {
	Kind     Kind
	To       ketanmu.Stage
	Assignee string
	Text     string
	Docs     []string
	Tracking string
}

// Limits on what an operator writes.
const (
	MaxText     = 4096
	MaxTracking = 64
)

// ActionFor is the action that moving to stage to means: asking for a fix, rejecting, shipping,
// closing… each with the rules and the notification of that action.
func ActionFor(to ketanmu.Stage, text, tracking string) Action {
	switch to {
	case ketanmu.StageNeedsFix:
		return Action{Kind: AskFix, Text: text}
	case ketanmu.StageRejected:
		return Action{Kind: Reject, Text: text}
	case ketanmu.StageShipped:
		return Action{Kind: Ship, Tracking: tracking}
	case ketanmu.StageReadyForPickup:
		return Action{Kind: Pickup}
	case ketanmu.StageDone:
		return Action{Kind: Close}
	}
	return Action{Kind: Move, To: to, Text: text}
}

// Outcome is what an action did: the case as it now is and the messages it causes, to be queued
// in the same transaction.
type Outcome struct {
	Case     ketanmu.Case
	Messages []ketanmu.Outbound
}

// Do carries out a on the case with this number, for actor, in one transaction that also queues
// the messages it causes; the outbox is woken afterwards.
func (s *Service) Do(ctx context.Context, actor Actor, number string, a Action) (ketanmu.Case, error) {
	return s.act(ctx, actor, number, func(tx *store.Tx, c ketanmu.Case) (Outcome, error) {
		return s.Apply(tx, actor, c, a)
	})
}

// act runs fn on the case with this number, as actor may see it, in one transaction that also
// queues the messages fn causes; the outbox is woken after the commit.
func (s *Service) act(ctx context.Context, actor Actor, number string, fn func(*store.Tx, ketanmu.Case) (Outcome, error)) (ketanmu.Case, error) {
	if err := requireStaff(actor); err != nil {
		return ketanmu.Case{}, err
	}
	var o Outcome
	err := s.db.Update(ctx, func(tx *store.Tx) error {
		c, err := s.visibleCase(tx, actor, number)
		if err != nil {
			return err
		}
		if o, err = fn(tx, c); err != nil {
			return err
		}
		o.Messages, err = s.outbox.Queue(tx, o.Messages)
		return err
	})
	if err != nil {
		return ketanmu.Case{}, err
	}
	s.notify(o.Messages)
	return o.Case, nil
}

// Apply carries out a on case c inside tx. Nothing is written when it fails, so a caller that
// answers the refusal (a WhatsApp command) may still commit tx. The messages are returned, not
// queued: the caller queues them with its own.
func (s *Service) Apply(tx *store.Tx, actor Actor, c ketanmu.Case, a Action) (Outcome, error) {
	if err := s.checkAction(actor, c, a); err != nil {
		return Outcome{}, err
	}
	var o Outcome
	err := tx.Atomic(func() error {
		var err error
		o, err = s.apply(tx, actor, c, a)
		if err != nil {
			return err
		}
		if o.Case, err = tx.CaseByNumber(c.Number); err != nil {
			return err
		}
		if a.Kind == Note {
			return nil // the note is its own record
		}
		return tx.Audit(ketanmu.Audit{Actor: actor.Name, Action: string(a.Kind), CaseID: c.ID,
			Detail: s.auditDetail(c, o.Case)})
	})
	return o, err
}

// checkAction refuses what no stage or role could make right: a member of staff is needed, a
// case they may not see does not exist for them, and required text must be there.
func (s *Service) checkAction(actor Actor, c ketanmu.Case, a Action) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	if !s.canSee(actor, c.Service) {
		return ketanmu.Errorf(ketanmu.ENOTFOUND, "nomor %s tidak ditemukan", c.Number)
	}
	a.Text, a.Tracking = strings.TrimSpace(a.Text), strings.TrimSpace(a.Tracking)
	need := func(what string) error { return ketanmu.Errorf(ketanmu.EINVALID, "%s", what) }
	switch {
	case a.Kind == AskFix && a.Text == "" && len(a.Docs) == 0:
		return need("sebutkan apa yang harus dikirim ulang oleh pemohon")
	case a.Kind == Reject && a.Text == "":
		return need("alasan penolakan wajib diisi: pemohon akan membacanya")
	case a.Kind == Ship && a.Tracking == "":
		return need("nomor resi pos wajib diisi")
	case (a.Kind == Note || a.Kind == Reply) && a.Text == "":
		return need("teksnya kosong")
	case a.Kind == Assign && strings.TrimSpace(a.Assignee) == "":
		return need("sebutkan nama petugas yang ditugaskan")
	case a.Kind == Move && !lifecycle.Known(a.To):
		return need("tahap tidak dikenal")
	case utf8.RuneCountInString(a.Text) > MaxText:
		return ketanmu.Errorf(ketanmu.EINVALID, "teks terlalu panjang (lebih dari %d karakter)", MaxText)
	case utf8.RuneCountInString(a.Tracking) > MaxTracking:
		return ketanmu.Errorf(ketanmu.EINVALID, "nomor resi terlalu panjang")
	}
	for _, d := range a.Docs {
		if _, ok := s.cfg.Documents[d]; !ok {
			return ketanmu.Errorf(ketanmu.EINVALID, "dokumen %q tidak dikenal", d)
		}
	}
	return nil
}

func (s *Service) apply(tx *store.Tx, actor Actor, c ketanmu.Case, a Action) (Outcome, error) {
	a.Text, a.Tracking = strings.TrimSpace(a.Text), strings.TrimSpace(a.Tracking)
	o := Outcome{Case: c}
	m := mover{s: s, tx: tx, actor: actor, out: &o.Messages}
	switch a.Kind {
	case Take:
		return o, m.take(c)
	case Assign:
		return o, m.assign(c, strings.TrimSpace(a.Assignee))
	case Advance:
		return o, m.advance(c)
	case AskFix:
		return o, m.askFix(c, a.Text, a.Docs)
	case Reject:
		return o, m.to(c, ketanmu.StageRejected, a.Text, "")
	case Ship:
		return o, m.to(c, ketanmu.StageShipped, "", a.Tracking)
	case Pickup:
		return o, m.to(c, ketanmu.StageReadyForPickup, "", "")
	case Close:
		return o, m.to(c, ketanmu.StageDone, "", "")
	case Note:
		return o, tx.AddNote(c.ID, actor.Name, a.Text)
	case Reply:
		return o, m.reply(c, a.Text)
	case HandBack:
		return o, m.handBack(c.Account, c.Chat, true)
	case Move:
		if next := ActionFor(a.To, a.Text, a.Tracking); next.Kind != Move {
			return s.apply(tx, actor, c, next)
		}
		if a.To == ketanmu.StageVerifying && lifecycle.Waiting(c.Stage) {
			return o, m.take(c)
		}
		return o, m.to(c, a.To, a.Text, "")
	}
	return o, ketanmu.Errorf(ketanmu.EINVALID, "tindakan %q tidak dikenal", a.Kind)
}

// auditDetail is what an action changed, in the names operators read (stages by their
// configured names, not their keys).
func (s *Service) auditDetail(before, after ketanmu.Case) string {
	var parts []string
	if before.Stage != after.Stage {
		parts = append(parts, s.StageName(before.Stage)+" → "+s.StageName(after.Stage))
	}
	if before.Assignee != after.Assignee {
		parts = append(parts, "petugas: "+after.Assignee)
	}
	// No personal data here (a tracking number, a reason): the case's history holds those, and
	// the retention purge erases them there.
	return strings.Join(parts, "; ")
}

// notify wakes the outbox of every account that got something queued.
func (s *Service) notify(msgs []ketanmu.Outbound) { EachAccount(msgs, s.outbox.Notify) }

// EachAccount calls fn once for each account msgs are for, in the order they first appear.
func EachAccount(msgs []ketanmu.Outbound, fn func(account string)) {
	seen := map[string]bool{}
	for _, m := range msgs {
		if !seen[m.Account] {
			seen[m.Account] = true
			fn(m.Account)
		}
	}
}

// canSee reports whether actor may see cases of service at all.
func (s *Service) canSee(actor Actor, service string) bool {
	p, ok := s.cfg.Profile(service)
	return ok && p.CanSee(actor.Roles)
}

// visibleCase finds a case the actor may see; one they may not is not found, as if it did not
// exist (a complaint about a member of staff is not theirs to know of).
func (s *Service) visibleCase(tx *store.Tx, actor Actor, number string) (ketanmu.Case, error) {
	number = strings.ToUpper(strings.TrimSpace(number))
	c, err := tx.CaseByNumber(number)
	if ketanmu.ErrorCode(err) == ketanmu.ENOTFOUND || (err == nil && !s.canSee(actor, c.Service)) {
		return ketanmu.Case{}, ketanmu.Errorf(ketanmu.ENOTFOUND, "nomor %s tidak ditemukan", number)
	}
	return c, err
}

// Requirements lists what case c requires: slots of document keys that serve equally in law.
func (s *Service) Requirements(c ketanmu.Case) [][]string {
	return s.flows.Requirements(c.Service, c.Subtype, c.Details)
}

// StageName is what people read for a stage: its configured name.
func (s *Service) StageName(st ketanmu.Stage) string { return StageName(s.cfg.Texts, st) }

// StageName is the configured name of a stage (texts opstage_<key>), or the key when the office
// has none.
func StageName(t ketanmu.Texts, st ketanmu.Stage) string {
	if name, ok := t.Lookup("opstage_" + string(st)); ok {
		return name
	}
	return string(st)
}

func (s *Service) stageNames(stages []ketanmu.Stage) string {
	names := make([]string, len(stages))
	for i, st := range stages {
		names[i] = s.StageName(st)
	}
	return strings.Join(names, ", ")
}
