package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
)

// TestLegalisirFromTheMenu: "legalisir kk" and "legalisir akta" typed at the menu start the
// service's Legalisir sub-type (not the information), a question about it is still answered by
// the information, and both say the fee the office configures (office.fees.legalisir).
func TestLegalisirFromTheMenu(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	const fee = "Rp5.000 per lembar"
	cfg.Office.Fees["legalisir"] = fee
	engine := flows.New(cfg.FlowOptions())
	acc, _ := cfg.Account("kkktp")
	env := flows.Env{Now: time.Date(2026, 11, 25, 9, 0, 0, 0, cfg.Office.Location), Account: acc.Flow()}
	for _, tc := range []struct {
		text, service, subtype string
	}{
		{"legalisir kk", "kk_ktp", "legalisir_kk"},
		{"mau legalisasi kk 2 lembar", "kk_ktp", "legalisir_kk"},
		{"berapa biaya legalisir?", "", ""},
	} {
		t.Run(tc.text, func(t *testing.T) {
			res := engine.Step(env, flows.State{Greeted: true}, flows.Input{ID: "T", Kind: ketanmu.KindText, Text: tc.text})
			d := res.State.Draft
			switch {
			case tc.service == "" && d != nil:
				t.Errorf("a question started %s/%s; want the information", d.Service, d.Subtype)
			case tc.service != "" && (d == nil || d.Service != tc.service || d.Subtype != tc.subtype):
				t.Errorf("draft %+v, want %s/%s; replies %q", d, tc.service, tc.subtype, res.Replies)
			}
			if all := strings.Join(res.Replies, "\n"); !strings.Contains(all, fee) {
				t.Errorf("the replies do not say the configured fee %q: %q", fee, all)
			}
		})
	}
	akta, _ := cfg.Account("akta")
	env.Account = akta.Flow()
	res := engine.Step(env, flows.State{Greeted: true}, flows.Input{ID: "T", Kind: ketanmu.KindText, Text: "legalisir akta"})
	if d := res.State.Draft; d == nil || d.Service != "akta" || d.Subtype != "legalisir_akta" {
		t.Errorf("legalisir akta: draft %+v; replies %q", d, res.Replies)
	}
}
