package casework

import (
	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

// Attached adds photos a resident sent right after filing (a second photo for a complaint) to
// their open case and shows them to the operators under a short card. A case that is not the
// resident's, or is closed, takes nothing.
func (s *Service) Attached(tx *store.Tx, conv store.Conversation, a flows.AddDocuments) ([]ketanmu.Outbound, error) {
	c, err := tx.CaseByNumber(a.Number)
	if err != nil {
		return nil, err
	}
	if c.ResidentID != conv.ResidentID || lifecycle.Closed(c.Stage) {
		s.log.Warn("Photo for a case that cannot take it", "case_number", a.Number, "stage", c.Stage)
		return nil, nil
	}
	before, err := tx.CaseDocuments(c.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range a.Documents {
		if err := tx.AttachDocument(c.ID, c.Account, d.Key, d.MessageID); err != nil {
			return nil, err
		}
	}
	docs, err := tx.CaseDocuments(c.ID)
	if err != nil {
		return nil, err
	}
	return s.cards(tx, c, s.cfg.Texts.Get("card_attached", "number", c.Number), docs[len(before):])
}
