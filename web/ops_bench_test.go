package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/store"
)

// BenchmarkOpsQueue10k measures the server's time for the queue page (first page, oldest first,
// counts per stage, every row's working-time clock) with 10,000 open cases, as a supervisor
// who sees every service, with and without a search.
func BenchmarkOpsQueue10k(b *testing.B) {
	env := MustCasesAPI(b, "")
	seedOpenCases(b, env, 10_000)
	c := newOpsClient(b, env.URL)
	c.mustLogin(b, kadis)
	cookies := c.c.Jar.Cookies(mustURL(b, env.URL+"/ops/"))
	h := env.Server.Handler()
	for _, q := range []string{"", "?q=Warga+77", "?stage=verifying&who=unassigned", "?overdue=1"} {
		b.Run("query="+q, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "/ops/"+q, nil)
				for _, ck := range cookies {
					req.AddCookie(ck)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "permohonan terbuka") {
					b.Fatalf("GET /ops/%s = %d", q, rec.Code)
				}
			}
		})
	}
}

// TestOpsQueue10kUnder200ms keeps the figure honest in the ordinary test run: the queue with
// 10,000 open cases answers within 200 ms of server time (the best of five, so that a busy CI
// machine does not fail it by chance).
func TestOpsQueue10kUnder200ms(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 10,000 cases")
	}
	env := MustCasesAPI(t, "")
	seedOpenCases(t, env, 10_000)
	c := newOpsClient(t, env.URL)
	c.mustLogin(t, kadis)
	cookies := c.c.Jar.Cookies(mustURL(t, env.URL+"/ops/"))
	h := env.Server.Handler()
	best := time.Hour
	for range 5 {
		req := httptest.NewRequest(http.MethodGet, "/ops/", nil)
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		best = min(best, time.Since(start))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "10000 permohonan terbuka") {
			t.Fatalf("queue = %d, without the 10000 open cases:\n%.500s", rec.Code, rec.Body.String())
		}
	}
	t.Logf("queue with 10,000 open cases: %v (best of 5)", best)
	if best > 200*time.Millisecond {
		t.Errorf("queue took %v, want under 200 ms", best)
	}
}

// seedOpenCases stores n open cases straight in the database, spread over services, stages,
// days and deadlines (some late), in one transaction.
func seedOpenCases(tb testing.TB, env *casesAPI, n int) {
	tb.Helper()
	services := []string{"kk_ktp", "akta", "pindah_datang", "validasi_nik", "pengaduan"}
	stages := []string{"submitted", "verifying", "needs_fix", "in_production", "submitted"}
	prefix := map[string]string{}
	for key, svc := range env.Cfg.Services {
		prefix[key] = svc.Prefix
	}
	err := env.DB.Update(context.Background(), func(tx *store.Tx) error {
		now := tx.Now()
		for i := range n {
			phone := fmt.Sprintf("62812%08d", i)
			rid, err := tx.Resident(phone, "")
			if err != nil {
				return err
			}
			svc := services[i%len(services)]
			_, err = tx.CreateCase(store.NewCase{Account: "nik", Chat: phone, ResidentID: rid, Prefix: prefix[svc],
				Service: svc, NIK: fmt.Sprintf("3516131204%06d", i), Name: fmt.Sprintf("Warga %d", i),
				Details: map[string]string{}, Due: now.Add(72 * time.Hour),
				StageDue: now.Add(time.Duration(i%600-100) * time.Minute), Day: fmt.Sprintf("2611%02d", 1+i/2000)})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	for i, st := range stages {
		if st == "submitted" {
			continue
		}
		if _, err := env.DB.SQL().Exec(`UPDATE cases SET stage = ?, assignee = ? WHERE id % ? = ?`, st, rina, len(stages), i); err != nil {
			tb.Fatal(err)
		}
	}
}

func mustURL(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
