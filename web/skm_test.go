package web_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/store"
)

// skmSeed is one resident's case in the survey test: its service and stage, and the answers
// U1..U9 (nil: never invited; shorter: left halfway; empty: invited, answered nothing).
type skmSeed struct {
	phone, account, service, prefix string
	stage                           ketanmu.Stage
	scores                          []int
	suggestion                      string
}

// mustSeedSKM files a case per seed at the clock's time, closes it, and records its survey
// through the same store calls the chat's survey makes.
func mustSeedSKM(tb testing.TB, db *store.DB, seeds []skmSeed) {
	tb.Helper()
	for _, s := range seeds {
		err := db.Update(context.Background(), func(tx *store.Tx) error {
			rid, err := tx.Resident(s.phone, "")
			if err != nil {
				return err
			}
			number, err := tx.CreateCase(store.NewCase{Account: s.account, Chat: s.phone, ResidentID: rid, Prefix: s.prefix,
				Service: s.service, Day: tx.Now().Format("060102")})
			if err != nil {
				return err
			}
			c, err := tx.CaseByNumber(number)
			if err != nil {
				return err
			}
			if err := tx.SetStage(c.ID, store.StageChange{From: c.Stage, To: s.stage, Actor: "t"}); err != nil {
				return err
			}
			if s.scores == nil {
				return nil
			}
			if err := tx.AddSKMInvite(store.SKMInvite{CaseID: c.ID, ResidentID: rid, Account: s.account, Service: s.service}); err != nil {
				return err
			}
			for i, score := range s.scores {
				if err := tx.SetSKMAnswer(number, i+1, score); err != nil {
					return err
				}
			}
			if s.suggestion != "" {
				return tx.SetSKMSuggestion(number, s.suggestion)
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("seed %+v: %v", s, err)
		}
	}
}

type skmAnswer struct {
	From, To string
	Office   skmFig
	Services []skmFig
}

type skmFig struct {
	Service     string
	Name        string
	Respondents int
	Population  int
	MinSample   int `json:"min_sample"`
	Elements    []struct {
		Code, Name string
		NRR        *float64
	}
	IKM      *float64
	Category string
}

// TestSKMReportAPI reads GET /api/reports/skm through a real HTTP server with the API token,
// over three services and ten respondents, and compares with values computed by hand.
func TestSKMReportAPI(t *testing.T) {
	api := MustCasesAPI(t, apiToken)
	p := func(n int) string { return fmt.Sprintf("62812000000%02d", n) }
	kk := func(n int, scores ...int) skmSeed {
		return skmSeed{phone: p(n), account: "kkktp", service: "kk_ktp", prefix: "KTP", stage: ketanmu.StageDone, scores: scores}
	}
	akta := func(n int, scores ...int) skmSeed {
		return skmSeed{phone: p(n), account: "akta", service: "akta", prefix: "AKT", stage: ketanmu.StageDone, scores: scores}
	}
	nik := func(n int, scores ...int) skmSeed {
		return skmSeed{phone: p(n), account: "nik", service: "validasi_nik", prefix: "NIK", stage: ketanmu.StageDone, scores: scores}
	}
	seeds := []skmSeed{
		kk(1, 4, 4, 3, 4, 3, 4, 4, 3, 4), kk(2, 3, 3, 3, 4, 3, 3, 4, 3, 3), kk(3, 4, 3, 2, 4, 3, 4, 4, 2, 3), kk(4, 3, 4, 3, 4, 4, 4, 3, 3, 4),
		kk(12),  // done, not surveyed: in the population only
		akta(1), // resident 1 again, in another service: counted once for the office
		akta(5, 4, 4, 4, 4, 4, 4, 4, 4, 4), akta(6, 4, 4, 4, 4, 4, 4, 4, 4, 4), akta(7, 3, 3, 3, 4, 3, 3, 3, 3, 3),
		nik(8, 2, 2, 2, 4, 2, 2, 2, 2, 2), nik(9, 3, 2, 1, 4, 2, 3, 3, 2, 2),
		nik(10, 2, 2), // left halfway after U2
		nik(11),       // invited below, answered nothing
	}
	seeds[len(seeds)-1].scores = []int{}
	rejected := kk(13, 1, 1, 1, 1, 1, 1, 1, 1, 1)
	rejected.stage = ketanmu.StageRejected // never invited by the chat; here to show the population counts done cases only
	rejected.scores = nil
	seeds = append(seeds, rejected)
	seeds[1].suggestion = "Bagus, tapi hubungi saya di 0812-3456-7890"
	mustSeedSKM(t, api.DB, seeds)
	// Two days later, outside the period asked for.
	api.Clock.Advance(48 * time.Hour)
	mustSeedSKM(t, api.DB, []skmSeed{kk(14, 1, 1, 1, 1, 1, 1, 1, 1, 1)})

	var rep skmAnswer
	api.MustCall(t, http.StatusOK, http.MethodGet, "/api/reports/skm?from=2026-11-25&to=2026-11-25", "", &rep)
	if rep.From != "2026-11-25" || rep.To != "2026-11-25" {
		t.Errorf("range = %s..%s", rep.From, rep.To)
	}
	byKey := map[string]skmFig{}
	for _, s := range rep.Services {
		byKey[s.Service] = s
	}
	third := 1.0 / 3
	want := []struct {
		name                               string
		got                                skmFig
		respondents, population, minSample int
		nrr                                [9]float64
		ikm                                float64
		category                           string
	}{
		// Sums 14 14 11 16 13 15 15 11 14 over 4; Σ 30.75 × 25 / 9 = 85.42 (B).
		{"kk_ktp", byKey["kk_ktp"], 4, 5, 5, [9]float64{3.5, 3.5, 2.75, 4, 3.25, 3.75, 3.75, 2.75, 3.5}, 85.42, "B"},
		// 11/3 except U4 = 4; Σ 100/3 × 25 / 9 = 92.59 (A).
		{"akta", byKey["akta"], 3, 4, 4, [9]float64{11 * third, 11 * third, 11 * third, 4, 11 * third, 11 * third, 11 * third, 11 * third, 11 * third}, 92.59, "A"},
		// U1 7/3, U2 6/3 (three answers), U3..U9 over two; Σ 20.8333 × 25 / 9 = 57.87 (D).
		{"validasi_nik", byKey["validasi_nik"], 3, 4, 4, [9]float64{7 * third, 2, 1.5, 4, 2, 2.5, 2.5, 2, 2}, 57.87, "D"},
		// U1 32/10, U2 31/10, then over 9: 25 36 28 31 31 26 29; Σ 29.1889 × 25 / 9 = 81.08 (B).
		// Population: 12 residents (resident 1 in two services counted once).
		{"office", rep.Office, 10, 12, 12, [9]float64{3.2, 3.1, 25.0 / 9, 4, 28.0 / 9, 31.0 / 9, 31.0 / 9, 26.0 / 9, 29.0 / 9}, 81.08, "B"},
	}
	for _, w := range want {
		g := w.got
		if g.Respondents != w.respondents || g.Population != w.population || g.MinSample != w.minSample {
			t.Errorf("%s: respondents %d, population %d, min sample %d; want %d, %d, %d", w.name,
				g.Respondents, g.Population, g.MinSample, w.respondents, w.population, w.minSample)
		}
		if len(g.Elements) != 9 {
			t.Fatalf("%s: %d elements, want 9", w.name, len(g.Elements))
		}
		for i, el := range g.Elements {
			if el.Code != fmt.Sprintf("U%d", i+1) || el.Name == "" || el.NRR == nil || math.Abs(*el.NRR-w.nrr[i]) > 0.0005 {
				t.Errorf("%s: element %d = %s %q %v, want U%d NRR %.3f", w.name, i, el.Code, el.Name, el.NRR, i+1, w.nrr[i])
			}
		}
		if g.IKM == nil || *g.IKM != w.ikm || g.Category != w.category {
			t.Errorf("%s: IKM %v category %q, want %v %s", w.name, g.IKM, g.Category, w.ikm, w.category)
		}
	}
	if s, ok := byKey["kia"]; !ok || s.Respondents != 0 || s.IKM != nil || s.Category != "" {
		t.Errorf("kia without surveys = %+v, want listed with no index", s)
	}
	if _, ok := byKey["pengaduan"]; ok {
		t.Error("complaints are listed although skm.include_complaints is off")
	}

	t.Run("shape", func(t *testing.T) {
		var raw map[string]any
		api.MustCall(t, http.StatusOK, http.MethodGet, "/api/reports/skm?from=2026-11-25&to=2026-11-25", "", &raw)
		keysOf := func(v any) string {
			m, _ := v.(map[string]any)
			keys := slices.Sorted(maps.Keys(m))
			return strings.Join(keys, ",")
		}
		const figures = "category,elements,ikm,min_sample,name,population,respondents,service"
		office, _ := raw["office"].(map[string]any)
		services, _ := raw["services"].([]any)
		if got := keysOf(raw); got != "from,office,services,to" {
			t.Errorf("top-level keys = %s", got)
		}
		if len(services) == 0 {
			t.Fatal("no services")
		}
		for i, f := range append([]any{office}, services...) {
			if got := keysOf(f); got != figures {
				t.Errorf("figures %d keys = %s, want %s", i, got, figures)
			}
			els, _ := f.(map[string]any)["elements"].([]any)
			if len(els) != 9 || keysOf(els[0]) != "code,name,nrr" {
				t.Errorf("figures %d elements = %v", i, els)
			}
		}
	})
	t.Run("one number", func(t *testing.T) {
		var one skmAnswer
		api.MustCall(t, http.StatusOK, http.MethodGet, "/api/reports/skm?from=2026-11-25&to=2026-11-25&account=akta", "", &one)
		if one.Office.Respondents != 3 || one.Office.IKM == nil || *one.Office.IKM != 92.59 || len(one.Services) != 1 {
			t.Errorf("akta number: office %+v, %d services; want the akta figures only", one.Office, len(one.Services))
		}
	})
	t.Run("later days", func(t *testing.T) {
		var later skmAnswer
		api.MustCall(t, http.StatusOK, http.MethodGet, "/api/reports/skm?from=2026-11-26&to=2026-11-30", "", &later)
		if later.Office.Respondents != 1 || later.Office.IKM == nil || *later.Office.IKM != 25 || later.Office.Category != "D" {
			t.Errorf("26..30 November: office %+v, want the one survey of the 27th (IKM 25, D)", later.Office)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		for path, status := range map[string]int{
			"/api/reports/skm?from=2026-11-25":                          http.StatusBadRequest,
			"/api/reports/skm?from=2026-11-25&to=2026-11-25&account=zz": http.StatusBadRequest,
		} {
			if got, _, body := api.call(t, http.MethodGet, path, ""); got != status {
				t.Errorf("GET %s = %d %s, want %d", path, got, body, status)
			}
		}
		anon := &casesAPI{simEnv: api.simEnv}
		if got, _, _ := anon.call(t, http.MethodGet, "/api/reports/skm?from=2026-11-25&to=2026-11-25", ""); got != http.StatusUnauthorized {
			t.Errorf("without a token: %d, want 401", got)
		}
	})
}
