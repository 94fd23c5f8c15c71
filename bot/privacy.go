package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/nik"
	"github.com/ketanmu/ketanmu/sla"
	"github.com/ketanmu/ketanmu/store"
)

// privacyService is the service key of residents' requests about their personal data.
const privacyService = config.PrivacyService

// privacyEffect carries out the privacy flow's effects and returns the placeholders of its
// replies: {privacy_data} for the summary, {number} and {due} for a request.
func (r *Router) privacyEffect(tx *store.Tx, acc config.Account, conv store.Conversation, eff flows.Effect, res *Result) ([]string, error) {
	switch eff := eff.(type) {
	case flows.PrivacySummary:
		data, err := r.privacyData(tx, conv)
		return []string{"privacy_data", data}, err
	case flows.PrivacyRequest:
		p, ok := r.cfg.Profile(privacyService)
		if !ok {
			return nil, fmt.Errorf("privacy request: services.%s is not configured", privacyService)
		}
		// The case service opens it like any case; with no stage deadline in its profile, its
		// due_within (UU 27/2022: 3 × 24 calendar hours from the request, not working hours) is
		// the deadline the SLA scan watches, warning and escalating as for any other case.
		due := tx.Now().Add(p.DueWithin)
		number, msgs, err := r.cases.Open(tx, conv, flows.NewCase{Service: privacyService, Subtype: eff.Kind,
			Details: map[string]string{"description": eff.Text}, Due: due})
		if err != nil {
			return nil, err
		}
		res.Replies = append(res.Replies, msgs...)
		return []string{"number", number, "due", sla.FormatDateTimeID(due.In(r.cfg.Office.Location))}, nil
	}
	return nil, nil
}

// privacyData lists what the office holds about the resident of a chat, masked: the phone, how
// many messages and files, and per case its NIK, name and whether an address is kept.
func (r *Router) privacyData(tx *store.Tx, conv store.Conversation) (string, error) {
	messages, files, err := tx.ChatHoldings(conv.Account, conv.Chat)
	if err != nil {
		return "", err
	}
	lines := []string{r.text("privacy_phone", "phone", ketanmu.MaskPhone(conv.Chat)),
		r.text("privacy_messages", "messages", fmt.Sprint(messages), "files", fmt.Sprint(files))}
	cases, err := tx.ResidentCases(conv.ResidentID, 20)
	if err != nil {
		return "", err
	}
	if len(cases) == 0 {
		lines = append(lines, r.text("privacy_no_case"))
	}
	for _, c := range cases {
		service := r.cfg.Services[c.Service].Name
		if !c.ErasedAt.IsZero() {
			lines = append(lines, r.text("privacy_case_erased", "number", c.Number, "service", service))
			continue
		}
		if c.NIK == "" && c.Name == "" && c.Details["address"] == "" {
			lines = append(lines, r.text("privacy_case_plain", "number", c.Number, "service", service,
				"stage", r.residentStage(c.Stage)))
			continue
		}
		address := ""
		if c.Details["address"] != "" {
			address = r.text("privacy_address")
		}
		lines = append(lines, r.text("privacy_case", "number", c.Number, "service", service,
			"stage", r.residentStage(c.Stage), "nik", casework.OrDash(nik.MaskNIK(c.NIK)), "name", casework.OrDash(maskName(c.Name)),
			"address", address))
	}
	return strings.Join(lines, "\n"), nil
}

// residentStage names a stage as residents read it (texts stage_<key>).
func (r *Router) residentStage(st ketanmu.Stage) string {
	if t, ok := r.cfg.Texts.Lookup("stage_" + string(st)); ok {
		return t
	}
	return casework.StageName(r.cfg.Texts, st)
}

// maskName keeps the first letter of each word: "Siti Aminah" -> "S*** A*****".
func maskName(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		_, size := utf8.DecodeRuneInString(w)
		words[i] = w[:size] + strings.Repeat("*", utf8.RuneCountInString(w)-1)
	}
	return strings.Join(words, " ")
}
