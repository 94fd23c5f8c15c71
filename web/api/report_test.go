package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/store"
)

// reportToken is the shared API token of reportServer.
const reportToken = "report-token-0123456789abcdef0123456789"

// reportServer serves the SLA report on its route over a database with two Validasi NIK cases filed
// on Wednesday 25 November 2026: one answered within its 30 minutes, one still waiting at noon.
func reportServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	cfg := testfix.Config(tb, "")
	loc := cfg.Office.Location
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, loc)
	db := testfix.DB(tb, cfg, func() time.Time { return now })
	var ids []int64
	for _, phone := range []string{"6281234567801", "6281234567802"} {
		err := db.Update(context.Background(), func(tx *store.Tx) error {
			rid, err := tx.Resident(phone, "")
			if err != nil {
				return err
			}
			due := now.Add(30 * time.Minute)
			number, err := tx.CreateCase(store.NewCase{Account: "nik", Chat: phone, ResidentID: rid, Prefix: "NIK",
				Service: "validasi_nik", Day: "261125", Due: due, StageDue: due})
			if err != nil {
				return err
			}
			c, err := tx.CaseByNumber(number)
			ids = append(ids, c.ID)
			return err
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	now = now.Add(20 * time.Minute)
	if err := db.Update(context.Background(), func(tx *store.Tx) error {
		return tx.SetStage(ids[0], store.StageChange{From: "submitted", To: "done", Actor: "t"})
	}); err != nil {
		tb.Fatal(err)
	}
	now = time.Date(2026, 11, 25, 12, 0, 0, 0, loc)

	// The production wiring, and the real route behind the shared token at the supervisor's scope.
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	core, err := app.Wire(db, cfg, log, &sim.Transport{})
	if err != nil {
		tb.Fatal(err)
	}
	s := core.Web(&sim.Transport{}, app.WebOptions{APIToken: reportToken,
		APIRoles: []ketanmu.Role{ketanmu.RoleSupervisor}})
	srv := httptest.NewServer(s.Handler())
	tb.Cleanup(func() {
		srv.Close()
		db.Close()
	})
	return srv
}

func getReport(tb testing.TB, srv *httptest.Server, query string) (int, []byte) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/reports/sla"+query, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+reportToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res.StatusCode, body
}

func TestSLAReport(t *testing.T) {
	srv := reportServer(t)
	status, body := getReport(t, srv, "?from=2026-11-23&to=2026-11-27")
	if status != http.StatusOK {
		t.Fatalf("status %d %s, want 200", status, body)
	}
	var rep struct {
		From     string `json:"from"`
		To       string `json:"to"`
		Timezone string `json:"timezone"`
		Services []struct {
			Service      string   `json:"service"`
			Opened       int      `json:"opened"`
			Closed       int      `json:"closed"`
			ClosedOnTime int      `json:"closed_on_time"`
			OnTimeShare  *float64 `json:"on_time_share"`
			Stages       []struct {
				Stage         string `json:"stage"`
				Count         int    `json:"count"`
				MedianSeconds int64  `json:"median_seconds"`
				P90           string `json:"p90"`
			} `json:"stages"`
			Breaches []string `json:"breaches"`
		} `json:"services"`
	}
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	if rep.From != "2026-11-23" || rep.To != "2026-11-27" || rep.Timezone != "Asia/Jakarta" || len(rep.Services) != 7 {
		t.Fatalf("report %s", body)
	}
	for _, s := range rep.Services {
		if s.Service != "validasi_nik" {
			continue
		}
		if s.Opened != 2 || s.Closed != 1 || s.ClosedOnTime != 1 || s.OnTimeShare == nil || *s.OnTimeShare != 1 {
			t.Errorf("validasi_nik %+v, want 2 opened, 1 closed on time", s)
		}
		if len(s.Stages) != 1 || s.Stages[0].Stage != "submitted" || s.Stages[0].MedianSeconds != 20*60 || s.Stages[0].P90 != "20m" {
			t.Errorf("stages %+v, want one 20-minute stay in submitted", s.Stages)
		}
		if len(s.Breaches) != 1 || s.Breaches[0] != "NIK-261125-0002" {
			t.Errorf("breaches %v, want NIK-261125-0002 (late since 09:30)", s.Breaches)
		}
	}
}

func TestSLAReportBadDates(t *testing.T) {
	srv := reportServer(t)
	for _, q := range []string{"", "?from=2026-11-23", "?to=2026-11-27", "?from=kemarin&to=2026-11-27",
		"?from=2026-11-23&to=2026-13-01", "?from=2026-11-27&to=2026-11-23", "?from=2026/11/23&to=2026/11/27"} {
		status, body := getReport(t, srv, q)
		if status != http.StatusBadRequest {
			t.Errorf("GET %s = %d %s, want 400", q, status, body)
			continue
		}
		var e struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
			t.Errorf("GET %s body %s, want {\"error\": \"…\"}", q, body)
		}
	}
}
