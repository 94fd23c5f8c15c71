package casework

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/thumb"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

// Filter selects cases for the queue; zero fields match everything.
type Filter struct {
	// Account limits the list to one WhatsApp number's cases.
	Account string
	Service string
	Stage   ketanmu.Stage
	// Open limits the list to cases still in progress.
	Open bool
	// Mine and Unassigned limit the list to the actor's cases, or to cases nobody has.
	Mine       bool
	Unassigned bool
	Assignee   string
	// Tasks limits the list to what waits on the actor's roles (TurnOf): "Tugas saya".
	Tasks   bool
	Overdue bool
	// Search is a registration number, a NIK, a phone number or part of a name.
	Search string
	// Phone is a resident's phone number in any common form.
	Phone string
	// NewestFirst orders as a list of records; the queue is oldest first.
	NewestFirst bool
	Page        int // from 1
	PerPage     int
}

// MaxPage bounds paging so that an offset never overflows.
const MaxPage = 1_000_000

// Page is one page of cases.
type Page struct {
	Cases []ketanmu.Case
	Total int
	Page  int
}

// Queue lists the cases actor may see that match f.
func (s *Service) Queue(ctx context.Context, actor Actor, f Filter) (Page, error) {
	sf, err := s.storeFilter(actor, f)
	if err != nil {
		return Page{}, err
	}
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.Page > MaxPage {
		return Page{}, ketanmu.Errorf(ketanmu.EINVALID, "halaman %d terlalu besar", f.Page)
	}
	sf.Limit, sf.Offset = f.PerPage, (f.Page-1)*f.PerPage
	cases, total, err := s.db.ListCases(ctx, sf)
	return Page{Cases: cases, Total: total, Page: f.Page}, err
}

// Counts counts the cases actor may see that match f (its stage aside), per stage.
func (s *Service) Counts(ctx context.Context, actor Actor, f Filter) (map[ketanmu.Stage]int, error) {
	sf, err := s.storeFilter(actor, f)
	if err != nil {
		return nil, err
	}
	return s.db.CountCases(ctx, sf)
}

var (
	digitsOnly = regexp.MustCompile(`^\d{16}$`)
	phoneLike  = regexp.MustCompile(`^\+?[\d\s-]{9,16}$`)
)

func (s *Service) storeFilter(actor Actor, f Filter) (store.CaseFilter, error) {
	if err := requireStaff(actor); err != nil {
		return store.CaseFilter{}, err
	}
	sf := store.CaseFilter{Account: f.Account, Service: f.Service, Stage: f.Stage, OpenOnly: f.Open, Assignee: f.Assignee,
		Unassigned: f.Unassigned, OldestFirst: !f.NewestFirst, Services: s.visibleServices(actor)}
	if f.Stage != "" && !lifecycle.Known(f.Stage) {
		return sf, ketanmu.Errorf(ketanmu.EINVALID, "tahap %q tidak dikenal; yang ada: %s", f.Stage,
			strings.Join(lifecycle.StageKeys(ketanmu.Stages), ", "))
	}
	if _, ok := s.cfg.Services[f.Service]; f.Service != "" && !ok {
		return sf, ketanmu.Errorf(ketanmu.EINVALID, "layanan %q tidak dikenal", f.Service)
	}
	if f.Mine {
		sf.Assignee = actor.Name
	}
	if f.Tasks {
		theirs, mine := s.taskStages(actor)
		sf.Tasks = &store.Tasks{Any: theirs, Mine: mine, Me: actor.Name}
		sf.OpenOnly = true
	}
	if f.Overdue {
		sf.OverdueAt = s.db.Now()
	}
	if f.Phone != "" {
		phone, err := ketanmu.NormalizePhone(f.Phone)
		if err != nil {
			return sf, err
		}
		sf.Phone = phone
	}
	q := strings.TrimSpace(f.Search)
	switch {
	case q == "":
	case ketanmu.IsCaseNumber(q):
		sf.Number = strings.ToUpper(q)
	case digitsOnly.MatchString(q):
		sf.NIK = q
	case phoneLike.MatchString(q):
		phone, err := ketanmu.NormalizePhone(q)
		if err != nil {
			return sf, err
		}
		sf.Phone = phone
	default:
		sf.NameLike = q
	}
	return sf, nil
}

// visibleServices lists the services actor may see; nil means every one.
func (s *Service) visibleServices(actor Actor) []string {
	all := true
	out := []string{}
	for key := range s.cfg.Services {
		if s.canSee(actor, key) {
			out = append(out, key)
		} else {
			all = false
		}
	}
	if all {
		return nil
	}
	return out
}

// File is everything recorded about a case that operators read: the case with its history,
// documents, notes, the audit of who did what, and the chat transcript.
type File struct {
	store.CaseFile
	Audit      []ketanmu.Audit
	Transcript []store.TranscriptMessage
	// Allowed are the stages the case may move to now, for this actor.
	Allowed []ketanmu.Stage
	// Person is who has the chat, if a person has it.
	Person string
	// TranscriptHidden: the chat also holds a case this actor may not see (a complaint, perhaps
	// about them), so its transcript is not shown to them.
	TranscriptHidden bool
	// Others are the resident's other cases (same resident or same NIK) this actor may see.
	Others []ketanmu.Case
}

// Case loads one case actor may see.
func (s *Service) Case(ctx context.Context, actor Actor, number string) (File, error) {
	if err := requireStaff(actor); err != nil {
		return File{}, err
	}
	var f File
	err := s.db.View(ctx, func(tx *store.Tx) error {
		c, err := s.visibleCase(tx, actor, number)
		if err != nil {
			return err
		}
		if f.CaseFile, err = tx.CaseFile(c.Number); err != nil {
			return err
		}
		if f.Audit, err = tx.CaseAudit(c.ID); err != nil {
			return err
		}
		conv, err := tx.Conversation(c.Account, c.Chat)
		if err != nil {
			return err
		}
		if HasPerson(conv, tx.Now(), s.cfg.Handoff.IdleRelease) {
			f.Person = conv.HumanBy
		}
		f.Allowed = s.AllowedFor(actor, c)
		others, err := tx.RelatedCases(c.ID, 20)
		if err != nil {
			return err
		}
		for _, o := range others {
			if s.canSee(actor, o.Service) {
				f.Others = append(f.Others, o)
			}
		}
		services, err := tx.ChatServices(c.Account, c.Chat)
		if err != nil {
			return err
		}
		f.TranscriptHidden = slices.ContainsFunc(services, func(svc string) bool { return !s.canSee(actor, svc) })
		return nil
	})
	if err != nil || f.TranscriptHidden {
		return f, err
	}
	f.Transcript, err = s.db.Transcript(ctx, f.Account, f.Chat)
	return f, err
}

// AllowedFor lists the stages actor may move c to now: what the profile allows, that actor's
// roles permit and the resident's choice does not contradict.
func (s *Service) AllowedFor(actor Actor, c ketanmu.Case) []ketanmu.Stage {
	out := []ketanmu.Stage{}
	p, ok := s.cfg.Profile(c.Service)
	if !ok || lifecycle.Closed(c.Stage) {
		return out
	}
	for _, to := range p.Allowed(c.Stage) {
		if actor.Has(p.RoleFor(to)) && !p.DeliveryConflict(c.Stage, to, Delivery(c)) {
			out = append(out, to)
		}
	}
	return out
}

// lookCase is the case with this number as actor may see it, read without writing.
func (s *Service) lookCase(ctx context.Context, actor Actor, number string) (ketanmu.Case, error) {
	if err := requireStaff(actor); err != nil {
		return ketanmu.Case{}, err
	}
	var c ketanmu.Case
	err := s.db.View(ctx, func(tx *store.Tx) (err error) {
		c, err = s.visibleCase(tx, actor, number)
		return err
	})
	return c, err
}

// ReadDocument returns a case's document for actor, recording the reading in the audit log.
func (s *Service) ReadDocument(ctx context.Context, actor Actor, number string, docID int64) (*ketanmu.Media, error) {
	c, err := s.lookCase(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	return s.db.ReadCaseDocument(ctx, c.Number, docID, actor.Name)
}

// CanRead refuses a case actor may not see, as if it did not exist.
func (s *Service) CanRead(actor Actor, c ketanmu.Case) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	if !s.canSee(actor, c.Service) {
		return ketanmu.Errorf(ketanmu.ENOTFOUND, "nomor %s tidak ditemukan", c.Number)
	}
	return nil
}

// Clock is how a case's stage deadline stands at a moment, in working time.
type Clock struct {
	// Paused: the case waits on the resident and its clock is stopped.
	Paused bool
	// HasDeadline: the stage has a deadline (closed cases and some stages have none).
	HasDeadline bool
	Left        time.Duration // working time left, when not late
	Late        time.Duration // working time past the deadline
	Due         time.Time
}

// ClockAt tells how case c's stage deadline stands at now, on the case's own clock (Elapsed).
func (s *Service) ClockAt(c ketanmu.Case, now time.Time) Clock {
	switch {
	case lifecycle.PausesClock(c.Stage):
		return Clock{Paused: true}
	case lifecycle.Closed(c.Stage) || c.StageDue.IsZero():
		return Clock{}
	case c.StageDue.After(now):
		return Clock{HasDeadline: true, Left: Elapsed(s.cfg, c.Service, now, c.StageDue), Due: c.StageDue}
	}
	return Clock{HasDeadline: true, Late: max(Elapsed(s.cfg, c.Service, c.StageDue, now), time.Nanosecond), Due: c.StageDue}
}

// Elapsed is the time from from to to on the clock of service's cases: calendar time where the
// profile's deadline counts calendar hours (privacy requests, due_within), else working time,
// holidays and closed hours excluded.
func Elapsed(cfg *config.Config, service string, from, to time.Time) time.Duration {
	if p, ok := cfg.Profile(service); ok && p.DueWithin > 0 {
		return max(to.Sub(from), 0)
	}
	return cfg.Office.Calendar.Between(from, to)
}

// DocumentThumb returns a small JPEG of a case's photo for actor (made once, kept encrypted);
// unlike ReadDocument it is not audited: the full photo is, when opened.
func (s *Service) DocumentThumb(ctx context.Context, actor Actor, number string, docID int64) ([]byte, error) {
	c, err := s.lookCase(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	data, err := s.db.CaseDocumentThumb(ctx, c.Number, docID, thumb.Make)
	if errors.Is(err, thumb.ErrNotImage) {
		return nil, ketanmu.Errorf(ketanmu.ENOTFOUND, "dokumen ini tidak punya pratinjau")
	}
	return data, err
}
