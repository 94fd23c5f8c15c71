package casework

import (
	"context"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// AuditLabel is the audit action of printing a case's address label.
const AuditLabel = "label"

// Label is what a PT Pos address label carries.
type Label struct {
	Number, Service                      string
	Name, Phone                          string
	Address, Desa, Kecamatan, PostalCode string
	COD                                  string // what the courier collects (office.fees.cod)
	From, FromAddress                    string // the office
}

// ShippingLabel returns the address label of a case the resident wants delivered by post, and
// records in the audit that actor printed it (it shows the resident's address).
func (s *Service) ShippingLabel(ctx context.Context, actor Actor, number string) (Label, error) {
	if err := requireStaff(actor); err != nil {
		return Label{}, err
	}
	var l Label
	err := s.db.Update(ctx, func(tx *store.Tx) error {
		c, err := s.visibleCase(tx, actor, number)
		if err != nil {
			return err
		}
		if Delivery(c) != ketanmu.DeliveryPost {
			return ketanmu.Errorf(ketanmu.EINVALID, "pemohon %s tidak memilih dikirim lewat Pos", c.Number)
		}
		l = Label{Number: c.Number, Service: s.cfg.Services[c.Service].Name, Name: c.Name, Phone: c.Chat,
			Address: c.Details["address"], Desa: c.Details["desa"], Kecamatan: c.Details["kecamatan"],
			PostalCode: c.Details["postal_code"], COD: s.cfg.Office.Fees["cod"],
			From: s.cfg.Office.Name, FromAddress: s.cfg.Office.Address}
		return tx.Audit(ketanmu.Audit{Actor: actor.Name, Action: AuditLabel, CaseID: c.ID})
	})
	return l, err
}

// OpenedBy records that actor has case number open and returns who else has it open now, so
// that two people do not work on one case unawares.
func (s *Service) OpenedBy(ctx context.Context, actor Actor, number string) ([]string, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	var others []string
	err := s.db.Update(ctx, func(tx *store.Tx) error {
		c, err := s.visibleCase(tx, actor, number)
		if err != nil {
			return err
		}
		others, err = tx.SeeCase(c.ID, actor.Name)
		return err
	})
	return others, err
}
