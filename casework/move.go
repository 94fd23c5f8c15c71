package casework

import (
	"slices"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

// mover carries out one action inside a transaction and collects the messages it causes.
type mover struct {
	s     *Service
	tx    *store.Tx
	actor Actor
	out   *[]ketanmu.Outbound
}

func (m mover) send(msg ketanmu.Outbound) { *m.out = append(*m.out, msg) }

// take gives the case to the actor; a waiting case is then being checked, where the profile has
// that stage.
func (m mover) take(c ketanmu.Case) error {
	if err := m.s.checkOpen(c); err != nil {
		return err
	}
	p, _ := m.s.cfg.Profile(c.Service)
	if lifecycle.Waiting(c.Stage) && p.Check(c.Stage, ketanmu.StageVerifying) == nil {
		return m.move(c, ketanmu.StageVerifying, "", "", m.actor.Name)
	}
	return m.tx.SetAssignee(c.ID, m.actor.Name)
}

// assign gives the case to another operator; assigning someone else is a supervisor's call.
func (m mover) assign(c ketanmu.Case, name string) error {
	if err := m.s.checkOpen(c); err != nil {
		return err
	}
	op, err := m.tx.OperatorByName(name)
	if err != nil {
		return err
	}
	if op.Name == m.actor.Name {
		return m.take(c)
	}
	if !m.actor.Has(ketanmu.RoleSupervisor) {
		return ketanmu.Errorf(ketanmu.EFORBIDDEN, "hanya supervisor yang bisa menugaskan petugas lain")
	}
	if !m.s.canSee(OperatorActor(op), c.Service) {
		return ketanmu.Errorf(ketanmu.EFORBIDDEN, "%s tidak boleh menangani layanan ini", op.Name)
	}
	return m.tx.SetAssignee(c.ID, op.Name)
}

// advance moves the case along the profile's usual path; the post or the counter follows the
// resident's choice.
func (m mover) advance(c ketanmu.Case) error {
	if err := m.s.checkOpen(c); err != nil {
		return err
	}
	p, _ := m.s.cfg.Profile(c.Service)
	next, ok := p.NextStage(c.Stage, m.s.path(c))
	if !ok {
		return ketanmu.Errorf(ketanmu.ECONFLICT, "%s sedang di tahap %s: tidak ada tahap berikutnya yang biasa; pilih tindakannya",
			c.Number, m.s.StageName(c.Stage))
	}
	if next == ketanmu.StageShipped {
		return ketanmu.Errorf(ketanmu.EINVALID, "tahap berikutnya adalah %s: nomor resi pos wajib diisi",
			m.s.StageName(ketanmu.StageShipped))
	}
	assignee := ""
	if lifecycle.Waiting(c.Stage) {
		assignee = m.actor.Name
	}
	return m.move(c, next, "", "", assignee)
}

// askFix sends the case back to the resident for the documents docs (or, when none are ticked,
// for what text says). Where the profile only asks for fixes while checking, the actor takes the
// case on the way: asking for a fix means the photos were checked.
func (m mover) askFix(c ketanmu.Case, text string, docs []string) error {
	if err := m.s.checkOpen(c); err != nil {
		return err
	}
	p, _ := m.s.cfg.Profile(c.Service)
	if lifecycle.Waiting(c.Stage) && p.Check(c.Stage, ketanmu.StageNeedsFix) != nil && p.Check(ketanmu.StageVerifying, ketanmu.StageNeedsFix) == nil {
		// Recorded without telling the resident: they read only what to resend.
		if err := m.check(c, ketanmu.StageVerifying); err != nil {
			return err
		}
		if err := m.s.record(m.tx, c, ketanmu.StageVerifying, m.actor.Name, "", "", m.actor.Name); err != nil {
			return err
		}
		var err error
		if c, err = m.tx.CaseByNumber(c.Number); err != nil {
			return err
		}
	}
	// Only the ticked documents are asked for: words of the operator's are passed on as they are
	// and any answer (text or photo) meets them; guessing documents from them asked residents
	// for what nobody wanted.
	ticked := len(docs) > 0
	names := make([]string, len(docs))
	for i, d := range docs {
		names[i] = m.s.cfg.Documents[d].Name
	}
	switch {
	case text == "":
		text = joinNames(names)
	case ticked:
		// Documents ticked in the workspace are named to the resident with the operator's words.
		text = joinNames(names) + ": " + text
	}
	if err := m.check(c, ketanmu.StageNeedsFix); err != nil {
		return err
	}
	if err := m.s.reopenFlow(m.tx, c, text, docs); err != nil {
		return err
	}
	return m.move(c, ketanmu.StageNeedsFix, text, "", "")
}

// to moves the case to stage with the action's reason or tracking number.
func (m mover) to(c ketanmu.Case, to ketanmu.Stage, reason, tracking string) error {
	return m.move(c, to, reason, tracking, "")
}

// check refuses a move the profile, the roles or the resident's choice do not allow.
func (m mover) check(c ketanmu.Case, to ketanmu.Stage) error {
	if err := m.s.checkOpen(c); err != nil {
		return err
	}
	p, _ := m.s.cfg.Profile(c.Service)
	if p.Check(c.Stage, to) != nil {
		return ketanmu.Errorf(ketanmu.ECONFLICT, "%s sedang di tahap %s, tidak bisa dipindah ke tahap %s. Tahap berikutnya yang bisa: %s",
			c.Number, m.s.StageName(c.Stage), m.s.StageName(to), m.s.stageNames(p.Allowed(c.Stage)))
	}
	if role := p.RoleFor(to); !m.actor.Has(role) {
		return ketanmu.Errorf(ketanmu.EFORBIDDEN, "%s tidak punya peran %s yang diperlukan untuk tahap %s",
			m.actor.Name, role, m.s.StageName(to))
	}
	if d := Delivery(c); p.DeliveryConflict(c.Stage, to, d) {
		return ketanmu.Errorf(ketanmu.ECONFLICT, "pemohon memilih %s: %s tidak bisa ke %s kecuali pemohon mengubah pilihannya",
			m.s.cfg.Texts.Get("delivery_"+string(d)+"_short"), c.Number, m.s.StageName(to))
	}
	return m.signingRule(c, to)
}

// signingRule keeps electronic signatures (TTE) to the documents that have them (output: tte):
// a card is printed without, and a signed document is never printed before it is signed.
func (m mover) signingRule(c ketanmu.Case, to ketanmu.Stage) error {
	p, _ := m.s.cfg.Profile(c.Service)
	tte := m.s.output(c) == flows.OutputTTE
	switch {
	case (to == ketanmu.StageSigning || to == ketanmu.StageSigned) && !tte:
		return ketanmu.Errorf(ketanmu.ECONFLICT, "%s adalah kartu, bukan dokumen bertanda tangan elektronik: lanjutkan ke %s",
			c.Number, m.s.StageName(ketanmu.StagePrinted))
	case to == ketanmu.StagePrinted && tte && p.Check(c.Stage, ketanmu.StageSigning) == nil:
		return ketanmu.Errorf(ketanmu.ECONFLICT, "%s ditandatangani secara elektronik lebih dulu: ajukan ke %s sebelum dicetak",
			c.Number, m.s.StageName(ketanmu.StageSigning))
	}
	return m.needsOutput(c, to)
}

// move checks and records a move, tells the resident, and forgets a fix request the case no
// longer waits for.
func (m mover) move(c ketanmu.Case, to ketanmu.Stage, reason, tracking, assignee string) error {
	if err := m.check(c, to); err != nil {
		return err
	}
	if err := m.s.record(m.tx, c, to, m.actor.Name, reason, tracking, assignee); err != nil {
		return err
	}
	if c.Stage == ketanmu.StageNeedsFix && !lifecycle.Waiting(to) {
		if err := m.s.dropFix(m.tx, c); err != nil {
			return err
		}
	}
	c.Stage = to
	msg, ok, err := m.s.notification(m.tx, c, reason, tracking)
	if err != nil {
		return err
	}
	if ok {
		m.send(msg)
	}
	if !lifecycle.Closed(to) {
		return nil
	}
	if err := m.doneWithChat(c); err != nil {
		return err
	}
	if to == ketanmu.StageDone {
		return m.inviteSurvey(c)
	}
	return nil
}

// doneWithChat hands the chat back to the bot when the case just closed was the last open one
// in it: the operator who had the chat is done with it, whichever channel closed the case.
func (m mover) doneWithChat(c ketanmu.Case) error {
	_, open, err := m.tx.LatestOpenCase(c.Account, c.Chat)
	if err != nil || open {
		return err
	}
	return m.handBack(c.Account, c.Chat, false)
}

// record writes a stage change with the new stage's deadline and the case's clock.
func (s *Service) record(tx *store.Tx, c ketanmu.Case, to ketanmu.Stage, actor, reason, tracking, assignee string) error {
	p, _ := s.cfg.Profile(c.Service)
	t := p.Enter(s.cfg.Office.Calendar, tx.Now(), lifecycle.Timing{Stage: c.Stage, StageDue: c.StageDue, Due: c.Due, Paused: c.Paused,
		Path: s.path(c)}, to)
	ch := store.StageChange{From: c.Stage, To: to, Actor: actor, Reason: reason, Tracking: tracking,
		StageDue: t.StageDue, Paused: t.Paused, Assignee: assignee}
	if !t.Due.Equal(c.Due) {
		ch.Due = t.Due
	}
	if err := tx.SetStage(c.ID, ch); err != nil {
		return err
	}
	s.log.Info("Case moved", "case_number", c.Number, "from", c.Stage, "to", to, "actor", actor)
	return nil
}

// checkOpen refuses any change to a closed case.
func (s *Service) checkOpen(c ketanmu.Case) error {
	if lifecycle.Closed(c.Stage) {
		return ketanmu.Errorf(ketanmu.ECONFLICT, "%s sudah %s: tahapnya tidak bisa diubah lagi", c.Number, s.StageName(c.Stage))
	}
	return nil
}

// notification is the message telling the resident that their case reached its stage, if the
// office has a text for it.
func (s *Service) notification(tx *store.Tx, c ketanmu.Case, reason, tracking string) (ketanmu.Outbound, bool, error) {
	docs, err := s.documentNames(tx, c)
	if err != nil {
		return ketanmu.Outbound{}, false, err
	}
	pairs := []string{"number", c.Number, "reason", reason, "tracking", tracking, "counter", s.cfg.Office.PickupCounter,
		"hours", s.pickupHours(), "service", s.cfg.Services[c.Service].Name,
		"office", s.cfg.Office.Name, "address", s.cfg.Office.Address, "documents", docs}
	for k, v := range s.cfg.Office.Fees {
		pairs = append(pairs, "fee_"+k, v)
	}
	// The service's own text, else its workflow's, else the stage's.
	var text string
	ok := false
	for _, key := range []string{c.Service, s.cfg.Services[c.Service].Profile, ""} {
		k := "notify_" + string(c.Stage)
		if key != "" {
			k += "_" + key
		}
		if text, ok = s.cfg.Texts.Lookup(k, pairs...); ok {
			break
		}
	}
	if !ok {
		return ketanmu.Outbound{}, false, nil
	}
	conv, err := tx.Conversation(c.Account, c.Chat)
	if err != nil {
		return ketanmu.Outbound{}, false, err
	}
	return ketanmu.Outbound{Account: c.Account, Chat: c.Chat, Address: conv.Address, Text: text}, true, nil
}

// documentNames names the documents a case holds, each once, in the order they came.
func (s *Service) documentNames(tx *store.Tx, c ketanmu.Case) (string, error) {
	docs, err := tx.CaseDocuments(c.ID)
	if err != nil {
		return "", err
	}
	// The originals a requirement names: an extra photo (a "lampiran") is not one to post.
	required := map[string]bool{}
	for _, slot := range s.Requirements(c) {
		for _, k := range slot {
			required[k] = true
		}
	}
	var names []string
	for _, d := range docs {
		if n := s.docName(d.Key); required[d.Key] && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return joinNames(names), nil
}

// Delivery is the resident's choice for a case: pickup, post, or none.
func Delivery(c ketanmu.Case) ketanmu.Delivery { return ketanmu.Delivery(c.Details["delivery"]) }

func joinNames(names []string) string {
	names = slices.Clip(names)
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	last := len(names) - 1
	out := ""
	for i, n := range names[:last] {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	if last > 1 {
		out += "," // EYD V: "a, b, dan c"
	}
	return out + " dan " + names[last]
}
