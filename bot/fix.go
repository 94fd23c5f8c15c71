package bot

import (
	"encoding/json"
	"strings"

	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/store"
)

// reopenFlow puts the resident's conversation on the items an operator asked them to resend.
// The bot collects them, so an operator who had the chat hands it back: otherwise the resent
// photos would be recorded in silence and the case would wait in needs_fix forever.
func (r *Router) reopenFlow(tx *store.Tx, c store.Case, what string) error {
	conv, err := tx.Conversation(c.Account, c.Chat)
	if err != nil {
		return err
	}
	conv.HumanBy = ""
	var st flows.State
	if err := json.Unmarshal(conv.State, &st); err != nil {
		st = flows.State{}
	}
	st = r.engine.Reopen(st, c.Number, c.Service, what)
	if conv.State, err = json.Marshal(st); err != nil {
		return err
	}
	return tx.SaveConversation(conv)
}

// dropFix forgets an operator's request to resend items once the case has left needs_fix by
// another way (rejected, moved on), so the resident's next photos are not taken for it.
func (r *Router) dropFix(tx *store.Tx, c store.Case) error {
	conv, err := tx.Conversation(c.Account, c.Chat)
	if err != nil {
		return err
	}
	var st flows.State
	if err := json.Unmarshal(conv.State, &st); err != nil || st.Fix == nil || st.Fix.Number != c.Number {
		return nil
	}
	st.Fix = nil
	if strings.HasPrefix(st.Step, "fix") {
		st.Step = ""
	}
	if conv.State, err = json.Marshal(st); err != nil {
		return err
	}
	return tx.SaveConversation(conv)
}

// fixDone attaches what the resident resent, puts the case back in the queue and tells the
// operators, with the new photos only and the resident's answer.
func (r *Router) fixDone(tx *store.Tx, acc config.Account, conv store.Conversation, fix flows.FixDone, res *Result) error {
	c, err := tx.CaseByNumber(fix.Number)
	if err != nil {
		return err
	}
	if c.ResidentID != conv.ResidentID || c.Stage != "needs_fix" {
		// An operator moved the case on meanwhile: what the resident sent stays in the chat
		// for the operators; nothing is attached to a case that no longer waits for it.
		r.log.Warn("Fix arrived for a case no longer waiting on it", "case_number", fix.Number, "stage", c.Stage)
		return nil
	}
	before, err := tx.CaseDocuments(c.ID)
	if err != nil {
		return err
	}
	for _, d := range fix.Documents {
		if err := tx.AttachDocument(c.ID, c.Account, d.Key, d.MessageID); err != nil {
			return err
		}
	}
	if fix.Note != "" {
		if err := tx.AddNote(c.ID, "pemohon", fix.Note); err != nil {
			return err
		}
	}
	resident := config.Operator{Name: "pemohon", Roles: []string{"supervisor"}}
	ch := store.StageChange{From: "needs_fix", To: "submitted", Actor: resident.Name, Reason: fix.Note}
	r.deadlines(tx.Now(), c, "submitted", &ch)
	if err := tx.SetStage(c.ID, ch); err != nil {
		return err
	}
	if c, err = tx.CaseByNumber(c.Number); err != nil {
		return err
	}
	docs, err := tx.CaseDocuments(c.ID)
	if err != nil {
		return err
	}
	var extra []string
	if fix.Note != "" {
		extra = append(extra, "• "+r.text("field_notes")+": "+fix.Note)
	}
	// Documents are only ever added: the ones after those the case had are this fix's.
	return r.postCardWith(acc, c, r.cardText(c, "card_fixed", extra...), docs[len(before):], res)
}
