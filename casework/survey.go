package casework

import (
	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/store"
)

// inviteSurvey invites the resident of a case just done to the satisfaction survey (Survei
// Kepuasan Masyarakat), right after the done notice. It is called from the one place a case
// becomes done (mover.move), so every way of closing a case invites alike. Nothing is sent, and
// nothing recorded, when:
//   - the service is not surveyed (skm.enabled, skm.include_complaints, skm.include_privacy);
//   - the resident has not written within outbound.proactive.window: the invitation is never a
//     proactive message of its own;
//   - a person still has the chat, or the resident is in the middle of something else;
//   - this case was surveyed already, or the resident was invited within skm.min_interval.
func (m mover) inviteSurvey(c ketanmu.Case) error {
	cfg := m.s.cfg
	if !cfg.SKM.Surveys(c.Service) {
		return nil
	}
	now := m.tx.Now()
	lastIn, wrote, _, err := m.tx.ChatContact(c.Account, c.Chat)
	if err != nil || !wrote || now.Sub(lastIn) >= cfg.Outbound.Proactive.Window {
		return err
	}
	conv, err := m.tx.Conversation(c.Account, c.Chat)
	if err != nil || HasPerson(conv, now, cfg.Handoff.IdleRelease) {
		return err
	}
	ok, err := m.tx.SKMInvitable(c.ID, c.ResidentID, now.Add(-cfg.SKM.MinInterval))
	if err != nil || !ok {
		return err
	}
	st, err := flows.LoadState(conv.State)
	if err != nil {
		return err
	}
	st, ok = m.s.flows.Invite(st, c.Number, now)
	if !ok {
		return nil
	}
	if conv.State, err = flows.SaveState(st); err != nil {
		return err
	}
	if err := m.tx.SaveConversation(conv); err != nil {
		return err
	}
	if err := m.tx.AddSKMInvite(store.SKMInvite{CaseID: c.ID, ResidentID: c.ResidentID, Account: c.Account, Service: c.Service}); err != nil {
		return err
	}
	m.s.log.Info("Survey offered", "case_number", c.Number, "service", c.Service)
	m.send(ketanmu.Outbound{Account: c.Account, Chat: c.Chat, Address: conv.Address, Text: cfg.Texts.Get("skm_invite")})
	return nil
}
