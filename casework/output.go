package casework

import (
	"context"
	"fmt"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/internal/pdfcheck"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/sla"
	"github.com/ketanmu/ketanmu/store"
)

// Audit actions of the finished document.
const (
	AuditOutput       = "output"        // an operator attached the signed PDF; it went to the resident
	AuditOutputResent = "output_resent" // the resident asked for it again (kirim ulang)
)

// AttachOutput files the finished, signed PDF of a case whose resident chose to receive it in
// the chat, sends it to them unchanged as a document with a short text, and closes the case.
// The workspace and the cases API both call it, and get the same refusals.
func (s *Service) AttachOutput(ctx context.Context, actor Actor, number string, data []byte) (ketanmu.Case, error) {
	if err := requireStaff(actor); err != nil { // before the file is parsed
		return ketanmu.Case{}, err
	}
	if err := s.checkOutputFile(data); err != nil {
		return ketanmu.Case{}, err
	}
	c, err := s.act(ctx, actor, number, func(tx *store.Tx, c ketanmu.Case) (Outcome, error) {
		return s.attachOutput(tx, actor, c, data)
	})
	if err != nil {
		return ketanmu.Case{}, err
	}
	s.log.Info("Output sent", "case_number", c.Number, "actor", actor.Name, "bytes", len(data))
	return c, nil
}

// checkOutputFile refuses what is not a whole PDF within the limits residents' files have.
func (s *Service) checkOutputFile(data []byte) error {
	if int64(len(data)) > s.cfg.Storage.MaxMediaBytes {
		return ketanmu.Errorf(ketanmu.EINVALID, "file terlalu besar (lebih dari %d MB)", s.cfg.Storage.MaxMediaBytes>>20)
	}
	if !pdfcheck.Plain(data, s.cfg.Storage.MaxPDFPages) {
		return ketanmu.Errorf(ketanmu.EINVALID, "file bukan PDF yang utuh (atau lebih dari %d halaman): unggah PDF hasil TTE apa adanya", s.cfg.Storage.MaxPDFPages)
	}
	return nil
}

func (s *Service) attachOutput(tx *store.Tx, actor Actor, c ketanmu.Case, data []byte) (Outcome, error) {
	o := Outcome{Case: c}
	if err := s.checkAction(actor, c, Action{Kind: Close}); err != nil {
		return o, err
	}
	switch d := Delivery(c); d {
	case ketanmu.DeliveryElectronic:
	case ketanmu.DeliveryNone:
		return o, ketanmu.Errorf(ketanmu.ECONFLICT, "%s (%s) tidak punya dokumen hasil untuk dikirim ke pemohon",
			c.Number, s.cfg.Services[c.Service].Name)
	default:
		return o, ketanmu.Errorf(ketanmu.ECONFLICT, "pemohon %s tidak memilih %s: dokumennya %s",
			c.Number, s.cfg.Texts.Get("delivery_elektronik_short"), s.cfg.Texts.Get("delivery_"+string(d)+"_short"))
	}
	p, _ := s.cfg.Profile(c.Service)
	if lifecycle.Closed(c.Stage) {
		return o, ketanmu.Errorf(ketanmu.ECONFLICT, "%s sudah %s: PDF hasil tidak bisa dilampirkan lagi",
			c.Number, s.StageName(c.Stage))
	}
	if err := p.Check(c.Stage, ketanmu.StageDone); err != nil {
		return o, ketanmu.Errorf(ketanmu.ECONFLICT, "%s sedang di tahap %s: PDF hasil bisa dilampirkan setelah dokumen dibuat",
			c.Number, s.StageName(c.Stage))
	}
	file := &ketanmu.Media{Mime: "application/pdf", Filename: c.Number + ".pdf", Data: data}
	id, err := tx.AddCaseFile(c.ID, store.OutputKey, file)
	if err != nil {
		return o, err
	}
	msg, err := s.outputMessage(tx, c, id, "output_caption")
	if err != nil {
		return o, err
	}
	o.Messages = append(o.Messages, msg)
	m := mover{s: s, tx: tx, actor: actor, out: &o.Messages}
	if err := m.move(c, ketanmu.StageDone, "", "", ""); err != nil {
		return o, err
	}
	if o.Case, err = tx.CaseByNumber(c.Number); err != nil {
		return o, err
	}
	// No file name or content here: the case's documents hold the file, and retention erases it.
	return o, tx.Audit(ketanmu.Audit{Actor: actor.Name, Action: AuditOutput, CaseID: c.ID,
		Detail: fmt.Sprintf("PDF %d KB; %s", (len(data)+1023)/1024, s.auditDetail(c, o.Case))})
}

// outputMessage is the stored PDF as a document message to the case's chat, with text key.
func (s *Service) outputMessage(tx *store.Tx, c ketanmu.Case, mediaID int64, key string) (ketanmu.Outbound, error) {
	conv, err := tx.Conversation(c.Account, c.Chat)
	if err != nil {
		return ketanmu.Outbound{}, err
	}
	text := s.cfg.Texts.Get(key, "number", c.Number, "service", s.cfg.Services[c.Service].Name)
	return ketanmu.Outbound{Account: c.Account, Chat: c.Chat, Address: conv.Address, Text: text, MediaID: mediaID}, nil
}

// needsOutput refuses to close a case whose resident waits for the PDF before it was attached.
func (m mover) needsOutput(c ketanmu.Case, to ketanmu.Stage) error {
	if to != ketanmu.StageDone || Delivery(c) != ketanmu.DeliveryElectronic {
		return nil
	}
	_, ok, err := m.tx.KeptCaseFile(c.ID, store.OutputKey)
	if err != nil || ok {
		return err
	}
	return ketanmu.Errorf(ketanmu.ECONFLICT, "pemohon %s memilih %s: lampirkan PDF hasil TTE, maka permohonan selesai dengan sendirinya",
		c.Number, m.s.cfg.Texts.Get("delivery_elektronik_short"))
}

// ResendOutput sends a resident the finished PDF of their newest case that has one again
// ("kirim ulang"), while retention keeps it; otherwise it says there is none.
func (s *Service) ResendOutput(tx *store.Tx, conv store.Conversation) ([]ketanmu.Outbound, error) {
	cases, err := tx.ResidentCases(conv.ResidentID, 20)
	if err != nil {
		return nil, err
	}
	for _, c := range cases {
		if c.Account != conv.Account {
			continue
		}
		if !c.ErasedAt.IsZero() {
			if msgs, err := s.outputErased(tx, conv, c); err != nil || msgs != nil {
				return msgs, err
			}
			continue
		}
		if Delivery(c) != ketanmu.DeliveryElectronic {
			continue
		}
		id, ok, err := tx.KeptCaseFile(c.ID, store.OutputKey)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		msg, err := s.outputMessage(tx, c, id, "output_resent")
		if err != nil {
			return nil, err
		}
		return []ketanmu.Outbound{msg}, tx.Audit(ketanmu.Audit{Actor: "pemohon", Action: AuditOutputResent, CaseID: c.ID})
	}
	return []ketanmu.Outbound{{Account: conv.Account, Chat: conv.Chat, Address: conv.Address,
		Text: s.cfg.Texts.Get("output_none")}}, nil
}

// outputErased answers "kirim ulang" for a case whose PDF was sent and then erased with the
// case's personal data at the end of retention (its audit log keeps that it was sent, and when):
// the resident learns when it went and that the office keeps no copy. nil when none was sent.
func (s *Service) outputErased(tx *store.Tx, conv store.Conversation, c ketanmu.Case) ([]ketanmu.Outbound, error) {
	audit, err := tx.CaseAudit(c.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range audit {
		if a.Action != AuditOutput {
			continue
		}
		text := s.cfg.Texts.Get("output_erased", "number", c.Number,
			"date", sla.FormatDateID(a.At.In(s.cfg.Office.Location)))
		return []ketanmu.Outbound{{Account: conv.Account, Chat: conv.Chat, Address: conv.Address, Text: text}}, nil
	}
	return nil, nil
}

// CanAttachOutput reports whether the finished PDF of case c may be attached now: its resident
// chose it, and the case is open at a stage that may close.
func (s *Service) CanAttachOutput(c ketanmu.Case) bool {
	p, _ := s.cfg.Profile(c.Service)
	return Delivery(c) == ketanmu.DeliveryElectronic && !lifecycle.Closed(c.Stage) && p.Check(c.Stage, ketanmu.StageDone) == nil
}

// output is what case c hands over (flows.OutputTTE or flows.OutputCard): its sub-type's, else
// its service's.
func (s *Service) output(c ketanmu.Case) string {
	svc := s.cfg.Services[c.Service]
	for _, st := range svc.Subtypes {
		if st.Key == c.Subtype && st.Output != "" {
			return st.Output
		}
	}
	return svc.Output
}

// path is the way case c takes through its profile: the resident's delivery, and whether it is
// a card (printed without an electronic signature).
func (s *Service) path(c ketanmu.Case) lifecycle.Path {
	return lifecycle.Path{Delivery: Delivery(c), Card: s.output(c) != flows.OutputTTE}
}
