package web_test

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/internal/testpdf"
	"github.com/ketanmu/ketanmu/store"
	"github.com/ketanmu/ketanmu/web/ops"
)

// opsClient is a browser-like client of the workspace: it keeps cookies, does not follow
// redirects (tests look at them), and remembers the CSRF token of the last page.
type opsClient struct {
	base string
	c    *http.Client
	csrf string
}

func newOpsClient(tb testing.TB, base string) *opsClient {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &opsClient{base: base, c: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var (
	csrfField  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	loginField = regexp.MustCompile(`name="login_token" value="([^"]+)"`)
)

func (c *opsClient) do(tb testing.TB, req *http.Request) (int, string, http.Header) {
	tb.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	body := string(data)
	if m := csrfField.FindStringSubmatch(body); m != nil {
		c.csrf = m[1]
	}
	return res.StatusCode, body, res.Header
}

func (c *opsClient) get(tb testing.TB, path string) (int, string, http.Header) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return c.do(tb, req)
}

// post sends a form; the CSRF token of the last page goes with it unless vals names one.
func (c *opsClient) post(tb testing.TB, path string, vals url.Values) (int, string, http.Header) {
	tb.Helper()
	if _, ok := vals["csrf"]; !ok && c.csrf != "" {
		vals.Set("csrf", c.csrf)
	}
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(vals.Encode()))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(tb, req)
}

// login signs in through the login form and returns the status of its answer.
func (c *opsClient) login(tb testing.TB, name, password string) (int, string) {
	tb.Helper()
	_, page, _ := c.get(tb, "/ops/login")
	m := loginField.FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("login page has no login token:\n%.500s", page)
	}
	status, body, _ := c.post(tb, "/ops/login", url.Values{"name": {name}, "password": {password}, "login_token": {m[1]}})
	return status, body
}

// mustLogin signs in and loads the queue (for its CSRF token).
func (c *opsClient) mustLogin(tb testing.TB, name string) {
	tb.Helper()
	c.mustLoginWith(tb, name, "sim")
}

// mustLoginWith signs in as name with password.
func (c *opsClient) mustLoginWith(tb testing.TB, name, password string) {
	tb.Helper()
	if status, body := c.login(tb, name, password); status != http.StatusSeeOther {
		tb.Fatalf("login as %s = %d:\n%.800s", name, status, body)
	}
	if status, body, _ := c.get(tb, "/ops/"); status != http.StatusOK {
		tb.Fatalf("GET /ops/ after login = %d:\n%.800s", status, body)
	}
}

func (c *opsClient) act(tb testing.TB, number string, vals url.Values) (int, string) {
	tb.Helper()
	status, body, _ := c.post(tb, "/ops/cases/"+number+"/actions", vals)
	return status, body
}

const (
	rina  = "Rina (front office)"
	agus  = "Agus (validator)"
	kadis = "Bu Kadis"
	sari  = "Sari (pengaduan)"
)

func TestOpsLogin(t *testing.T) {
	env := MustCasesAPI(t, "")

	t.Run("wrong password", func(t *testing.T) {
		c := newOpsClient(t, env.URL)
		for _, name := range []string{rina, "Siapa Saja"} {
			status, body := c.login(t, name, "salah")
			if status != http.StatusUnauthorized || !strings.Contains(body, "Nama atau kata sandi salah.") {
				t.Errorf("login %q with a wrong password = %d, want 401 with the message:\n%.600s", name, status, body)
			}
		}
		if status, _, h := c.get(t, "/ops/"); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/ops/login") {
			t.Errorf("after failed logins GET /ops/ = %d %s, want a redirect to the login", status, h.Get("Location"))
		}
	})

	t.Run("signed in with sim, cookie flags", func(t *testing.T) {
		c := newOpsClient(t, env.URL)
		_, page, _ := c.get(t, "/ops/login")
		m := loginField.FindStringSubmatch(page)
		req, _ := http.NewRequest(http.MethodPost, env.URL+"/ops/login", strings.NewReader(url.Values{
			"name": {rina}, "password": {"sim"}, "login_token": {m[1]}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := c.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var session *http.Cookie
		for _, ck := range res.Cookies() {
			if ck.Name == "ketanmu_ops" && ck.Value != "" {
				session = ck
			}
		}
		if res.StatusCode != http.StatusSeeOther || session == nil {
			t.Fatalf("login = %d, session cookie %v", res.StatusCode, session)
		}
		if !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Secure {
			t.Errorf("session cookie HttpOnly=%v SameSite=%v Secure=%v, want HttpOnly, Strict, not Secure over plain HTTP",
				session.HttpOnly, session.SameSite, session.Secure)
		}
		var stored int
		if err := env.DB.SQL().QueryRow(`SELECT COUNT(*) FROM ops_sessions WHERE token_hash = ?`, store.HashToken(session.Value)).Scan(&stored); err != nil || stored != 1 {
			t.Errorf("%d sessions stored under the cookie's hash (err %v), want 1", stored, err)
		}
		status, body, _ := c.get(t, "/ops/")
		if status != http.StatusOK || !strings.Contains(body, html.EscapeString(rina)) {
			t.Errorf("queue after login = %d, without the operator's name", status)
		}
	})

	t.Run("login form without its token", func(t *testing.T) {
		c := newOpsClient(t, env.URL)
		status, body, _ := c.post(t, "/ops/login", url.Values{"name": {rina}, "password": {"sim"}})
		if status != http.StatusForbidden || !strings.Contains(body, "kedaluwarsa") {
			t.Errorf("login without the form's token = %d, want 403", status)
		}
	})

	t.Run("throttled after repeated failures", func(t *testing.T) {
		c := newOpsClient(t, env.URL)
		for range env.Cfg.Ops.MaxFailedLogins {
			if status, _ := c.login(t, agus, "tebak"); status != http.StatusUnauthorized {
				t.Fatalf("wrong password = %d, want 401", status)
			}
		}
		status, body := c.login(t, agus, "sim")
		if status != http.StatusTooManyRequests || !strings.Contains(body, "Terlalu banyak percobaan") {
			t.Errorf("right password after %d failures = %d, want 429:\n%.500s", env.Cfg.Ops.MaxFailedLogins, status, body)
		}
		env.Clock.Advance(16 * time.Minute)
		if status, _ := c.login(t, agus, "sim"); status != http.StatusSeeOther {
			t.Errorf("login 16 minutes later = %d, want 303", status)
		}
	})
}

// TestOpsPasswords: outside the simulator only the bcrypt password set for the operator opens
// the workspace; "sim" does not.
func TestOpsPasswords(t *testing.T) {
	cfg := mustConfig(t, "")
	cfg.Storage.DataDir = t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	core, err := app.Open(cfg, log, &sim.Transport{}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.DB.Close() })
	srv := httptest.NewServer(core.Web(&sim.Transport{}, app.WebOptions{}).Handler())
	t.Cleanup(srv.Close)
	hash, err := bcrypt.GenerateFromPassword([]byte("rahasia-rina-2026"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if err := core.DB.SetOperatorPassword(context.Background(), rina, string(hash)); err != nil {
		t.Fatal(err)
	}
	c := newOpsClient(t, srv.URL)
	for _, tc := range []struct {
		name, password string
		want           int
	}{{rina, "sim", 401}, {agus, "sim", 401}, {agus, "", 401}, {rina, "rahasia-rina-2026", 303}} {
		if status, _ := c.login(t, tc.name, tc.password); status != tc.want {
			t.Errorf("login %s/%q = %d, want %d", tc.name, tc.password, status, tc.want)
		}
	}
}

// mustPassword gives operator name a password of its own (outside the simulator "sim" opens
// nothing) and returns it.
func mustPassword(tb testing.TB, db *store.DB, name string) string {
	tb.Helper()
	password := "rahasia-" + name + "-2026"
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.SetOperatorPassword(context.Background(), name, string(hash)); err != nil {
		tb.Fatal(err)
	}
	return password
}

func TestOpsCSRFAndLogout(t *testing.T) {
	env := MustCasesAPI(t, "")
	number, _ := env.MustApply(t, apiResident, "3516131204850003")
	c := newOpsClient(t, env.URL)
	c.mustLogin(t, rina)
	before := env.counts(t)

	for _, token := range []string{"", "bukan-token"} {
		status, body := c.act(t, number, url.Values{"action": {"take"}, "csrf": {token}})
		if status != http.StatusForbidden || !strings.Contains(body, "token keamanan") {
			t.Errorf("POST with csrf %q = %d, want 403 with the message:\n%.500s", token, status, body)
		}
	}
	if after := env.counts(t); !maps.Equal(before, after) {
		t.Errorf("refused POSTs changed something: %v -> %v", before, after)
	}

	if status, _ := c.act(t, number, url.Values{"action": {"note"}, "text": {"cek KK"}}); status != http.StatusSeeOther {
		t.Fatalf("note with the token = %d, want 303", status)
	}
	csrf := c.csrf
	if status, _, h := c.post(t, "/ops/logout", url.Values{}); status != http.StatusSeeOther || h.Get("Location") != "/ops/login?m=out" {
		t.Fatalf("logout = %d %s", status, h.Get("Location"))
	}
	if status, _, h := c.get(t, "/ops/"); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/ops/login") {
		t.Errorf("queue after logout = %d %s, want the login", status, h.Get("Location"))
	}
	// The old cookie, replayed, is refused too.
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/ops/cases/"+number+"/actions",
		strings.NewReader(url.Values{"action": {"take"}, "csrf": {csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var n int
	if err := env.DB.SQL().QueryRow(`SELECT COUNT(*) FROM ops_sessions`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d sessions left after logout (err %v)", n, err)
	}
	if status, body, _ := c.do(t, req); status != http.StatusUnauthorized || !strings.Contains(body, "Silakan masuk") {
		t.Errorf("POST after logout = %d, want 401", status)
	}
	if status, _, _ := c.get(t, "/ops/events"); status != http.StatusUnauthorized {
		t.Errorf("live updates after logout = %d, want 401", status)
	}
}

func TestOpsIdleTimeout(t *testing.T) {
	env := MustCasesAPI(t, "")
	c := newOpsClient(t, env.URL)
	c.mustLogin(t, rina)
	env.Clock.Advance(env.Cfg.Ops.IdleTimeout - time.Minute)
	if status, _, _ := c.get(t, "/ops/"); status != http.StatusOK {
		t.Fatalf("queue just before the idle timeout = %d, want 200", status)
	}
	// A page refreshing itself does not keep the session alive.
	env.Clock.Advance(env.Cfg.Ops.IdleTimeout - time.Minute)
	req, _ := http.NewRequest(http.MethodGet, env.URL+"/ops/", nil)
	req.Header.Set("X-Ketanmu-Live", "1")
	if status, _, _ := c.do(t, req); status != http.StatusOK {
		t.Fatalf("live refresh = %d, want 200", status)
	}
	env.Clock.Advance(2 * time.Minute)
	status, _, h := c.get(t, "/ops/")
	if status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "m=expired") {
		t.Fatalf("queue after the idle timeout = %d %s, want the login with m=expired", status, h.Get("Location"))
	}
	_, body, _ := c.get(t, h.Get("Location"))
	if !strings.Contains(body, "Sesi Anda berakhir karena lama tidak aktif") {
		t.Errorf("login page after expiry lacks the message:\n%.600s", body)
	}
}

func TestOpsRoles(t *testing.T) {
	cfg := mustConfig(t, "")
	brisk(cfg)
	svc := cfg.Services["kk_ktp"]
	svc.Profile = "pak_pos" // the validator's step exists only there
	cfg.Services["kk_ktp"] = svc
	env := &casesAPI{simEnv: mustSimEnv(t, cfg, "")}
	number, _ := env.MustApply(t, apiResident, "3516131204850003")
	env.post(t, map[string]any{"account": "pengaduan", "from": "081355500011", "text": "halo"})
	complaint := mustComplaint(t, env)

	rinaC, agusC, kadisC, sariC := newOpsClient(t, env.URL), newOpsClient(t, env.URL), newOpsClient(t, env.URL), newOpsClient(t, env.URL)
	rinaC.mustLogin(t, rina)
	agusC.mustLogin(t, agus)
	kadisC.mustLogin(t, kadis)
	sariC.mustLogin(t, sari)

	t.Run("complaints only for their officer and supervisors", func(t *testing.T) {
		if complaint == "" {
			t.Skip("no complaint case")
		}
		for _, tc := range []struct {
			c    *opsClient
			who  string
			want int
		}{{rinaC, rina, 404}, {agusC, agus, 404}, {sariC, sari, 200}, {kadisC, kadis, 200}} {
			if status, _, _ := tc.c.get(t, "/ops/cases/"+complaint); status != tc.want {
				t.Errorf("%s opens complaint %s: %d, want %d", tc.who, complaint, status, tc.want)
			}
			_, queue, _ := tc.c.get(t, "/ops/")
			if got := strings.Contains(queue, complaint); got != (tc.want == 200) {
				t.Errorf("%s's queue lists the complaint: %v", tc.who, got)
			}
		}
	})

	t.Run("validator's step", func(t *testing.T) {
		if status, body := rinaC.act(t, number, url.Values{"action": {"take"}}); status != http.StatusSeeOther {
			t.Fatalf("take = %d:\n%.500s", status, body)
		}
		_, page, _ := rinaC.get(t, "/ops/cases/"+number)
		if strings.Contains(page, `id="act-move-validated"`) {
			t.Errorf("the front office is offered the validator's step")
		}
		before := env.counts(t)
		status, body := rinaC.act(t, number, url.Values{"action": {"move"}, "to": {"validated"}})
		if status < 400 || !strings.Contains(body, `role="alert"`) {
			t.Errorf("front office approving = %d, want a refusal shown on the page", status)
		}
		if after := env.counts(t); !maps.Equal(before, after) {
			t.Errorf("the refused approval changed something")
		}
		_, page, _ = agusC.get(t, "/ops/cases/"+number)
		if !strings.Contains(page, `id="act-move-validated"`) {
			t.Errorf("the validator is not offered the approval")
		}
		_, queue, _ := agusC.get(t, "/ops/")
		if !strings.Contains(queue, "peran Anda") {
			t.Errorf("the validator's queue does not mark the steps of their role")
		}
		if status, _ := agusC.act(t, number, url.Values{"action": {"move"}, "to": {"validated"}}); status != http.StatusSeeOther {
			t.Errorf("validator approving = %d, want 303", status)
		}
	})

	t.Run("audit and linking for supervisors", func(t *testing.T) {
		if status, body, _ := rinaC.get(t, "/ops/audit"); status != http.StatusForbidden || !strings.Contains(body, "supervisor") {
			t.Errorf("front office opening the audit = %d, want 403", status)
		}
		status, body, _ := kadisC.get(t, "/ops/audit?number="+number)
		if status != http.StatusOK || !strings.Contains(body, "memindah tahap") && !strings.Contains(body, "mengambil") {
			t.Errorf("supervisor's audit = %d, lacks the case's actions:\n%.800s", status, body)
		}
		if status, _, _ := rinaC.post(t, "/ops/numbers/kkktp/link", url.Values{}); status != http.StatusForbidden {
			t.Errorf("front office linking a number = %d, want 403", status)
		}
		status, csvBody, _ := kadisC.get(t, "/ops/audit.csv?number="+number)
		rows, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
		if status != http.StatusOK || err != nil || len(rows) < 3 || rows[0][0] != "at" {
			t.Errorf("audit CSV = %d %v, %d rows", status, err, len(rows))
		}
	})
}

// mustComplaint files a complaint on the complaints number and returns its number ("" when the
// flow asks for more than the test gives).
func mustComplaint(t *testing.T, env *casesAPI) string {
	t.Helper()
	for _, text := range []string{"1", "Pelayanan di loket lambat sekali, sudah antre 3 jam", "tidak", "ya", "ya"} {
		env.post(t, map[string]any{"account": "pengaduan", "from": "081355500011", "text": text})
	}
	var number string
	_ = env.DB.SQL().QueryRow(`SELECT number FROM cases WHERE service = 'pengaduan' ORDER BY id DESC LIMIT 1`).Scan(&number)
	return number
}

func TestOpsCaseFlow(t *testing.T) {
	env := MustCasesAPI(t, "")
	number, photos := env.MustApply(t, apiResident, "3516131204850003")
	c := newOpsClient(t, env.URL)
	c.mustLogin(t, rina)

	_, queue, _ := c.get(t, "/ops/")
	if !strings.Contains(queue, number) || !strings.Contains(queue, `class="clock ok"`) {
		t.Errorf("queue lacks %s with a green countdown", number)
	}
	status, page, _ := c.get(t, "/ops/cases/"+number)
	if status != http.StatusOK {
		t.Fatalf("case page = %d", status)
	}
	for _, want := range []string{"3516131204850003", "+" + apiResident, "Budi Santoso", "format benar", `id="act-take"`} {
		if !strings.Contains(page, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	docURL := regexp.MustCompile(`data-view="(/ops/cases/[^"]+/documents/\d+)"`).FindStringSubmatch(page)
	if docURL == nil {
		t.Fatal("case page shows no photo")
	}
	status, img, h := c.get(t, docURL[1])
	if status != http.StatusOK || h.Get("Content-Type") != "image/jpeg" || (img != string(photos[0]) && img != string(photos[1])) {
		t.Errorf("document = %d %s, not one of the photos sent", status, h.Get("Content-Type"))
	}
	var views int
	_ = env.DB.SQL().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'view_document' AND actor = ?`, rina).Scan(&views)
	if views != 1 {
		t.Errorf("%d document views audited, want 1", views)
	}

	steps := []struct {
		vals url.Values
		want string // the stage after
	}{
		{url.Values{"action": {"take"}}, "verifying"},
		{url.Values{"action": {"fix"}, "docs": {"kk"}, "text": {"foto KK buram"}}, "needs_fix"},
	}
	for _, st := range steps {
		if status, body := c.act(t, number, st.vals); status != http.StatusSeeOther {
			t.Fatalf("%v = %d:\n%.600s", st.vals, status, body)
		}
		if got := caseStage(t, env, number); got != st.want {
			t.Fatalf("after %v the stage is %s, want %s", st.vals, got, st.want)
		}
	}
	if status, body := c.act(t, number, url.Values{"action": {"reject"}}); status != http.StatusBadRequest || !strings.Contains(body, "Alasan penolakan wajib diisi") {
		t.Errorf("reject without a reason = %d, want 400 with the service's message", status)
	}
	env.post(t, map[string]any{"account": "kkktp", "from": apiResident, "text": "kk", "media": map[string]string{
		"mime": "image/jpeg", "filename": "kk-baru.jpg", "data": b64(documentJPEG(t, "kk-baru"))}})
	_, page, _ = c.get(t, "/ops/cases/"+number)
	if !strings.Contains(page, "versi lama") {
		t.Errorf("the resent KK does not replace the old one on the page")
	}
	if got := caseStage(t, env, number); got != "verifying" {
		t.Fatalf("after the resident's new photo the stage is %s, want verifying (back to the step that asked)", got)
	}
	for _, vals := range []url.Values{{"action": {"move"}, "to": {"in_production"}},
		{"action": {"move"}, "to": {"ready_for_pickup"}}, {"action": {"move"}, "to": {"done"}}} {
		if status, body := c.act(t, number, vals); status != http.StatusSeeOther {
			t.Fatalf("%v = %d:\n%s", vals, status, between(body, `role="alert">`, "<"))
		}
	}
	if got := caseStage(t, env, number); got != "done" {
		t.Fatalf("stage %s, want done", got)
	}
	waitOutbox(t, env)
	var texts []string
	for _, m := range transcript(t, env.URL, "kkktp", apiResident) {
		if m.Direction == "out" {
			texts = append(texts, m.Text)
		}
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"sedang diperiksa", "perlu perbaikan", "siap diambil", "sudah *selesai*"} {
		if !strings.Contains(all, want) {
			t.Errorf("the resident was not told %q", want)
		}
	}
}

func b64(data []byte) string { return base64.StdEncoding.EncodeToString(data) }

func caseStage(t testing.TB, env *casesAPI, number string) string {
	t.Helper()
	var stage string
	if err := env.DB.SQL().QueryRow(`SELECT stage FROM cases WHERE number = ?`, number).Scan(&stage); err != nil {
		t.Fatal(err)
	}
	return stage
}

// waitOutbox waits until the outbox has sent everything queued.
func waitOutbox(t testing.TB, env *casesAPI) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := env.DB.SQL().QueryRow(`SELECT COUNT(*) FROM outbox WHERE status = 'pending'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("outbox not empty after 10 s")
}

// TestOpsReportCSV: the CSV export carries the figures of GET /api/reports/sla.
func TestOpsReportCSV(t *testing.T) {
	env := MustCasesAPI(t, apiToken)
	number, _ := env.MustApply(t, apiResident, "3516131204850003")
	c := newOpsClient(t, env.URL)
	c.mustLogin(t, kadis)
	for _, to := range []string{"verifying", "in_production", "ready_for_pickup", "done"} {
		if status, body := c.act(t, number, url.Values{"action": {"move"}, "to": {to}}); status != http.StatusSeeOther {
			t.Fatalf("move to %s = %d:\n%.400s", to, status, body)
		}
	}
	env.MustApply(t, "081234567891", "3516131204850011")
	const q = "from=2026-11-01&to=2026-11-30"
	var rep struct {
		Services []struct {
			Service      string   `json:"service"`
			Opened       int      `json:"opened"`
			Closed       int      `json:"closed"`
			ClosedOnTime int      `json:"closed_on_time"`
			OnTimeShare  *float64 `json:"on_time_share"`
			Breaches     []string `json:"breaches"`
			Stages       []struct {
				Stage         string `json:"stage"`
				Count         int    `json:"count"`
				MedianSeconds int64  `json:"median_seconds"`
				P90Seconds    int64  `json:"p90_seconds"`
			} `json:"stages"`
		} `json:"services"`
	}
	env.MustCall(t, http.StatusOK, http.MethodGet, "/api/reports/sla?"+q, "", &rep)
	status, body, h := c.get(t, "/ops/reports/sla.csv?"+q)
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV = %d %s", status, h.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var want [][]string
	for _, s := range rep.Services {
		share := ""
		if s.OnTimeShare != nil {
			b, _ := json.Marshal(*s.OnTimeShare)
			share = string(b)
		}
		head := []string{s.Service, itoa(s.Opened), itoa(s.Closed), itoa(s.ClosedOnTime), share, itoa(len(s.Breaches))}
		want = append(want, append(head, "", "", "", ""))
		for _, st := range s.Stages {
			want = append(want, append(append([]string{}, head...), st.Stage, itoa(st.Count), itoa(int(st.MedianSeconds)), itoa(int(st.P90Seconds))))
		}
	}
	var got [][]string
	for _, r := range rows[1:] {
		got = append(got, []string{r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10]})
	}
	if len(got) != len(want) {
		t.Fatalf("CSV has %d lines, the API %d:\n%s", len(got), len(want), body)
	}
	stages := 0
	for i := range want {
		if strings.Join(got[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("line %d: CSV %v, API %v", i+1, got[i], want[i])
		}
		if want[i][6] != "" {
			stages++
		}
	}
	if stages == 0 {
		t.Errorf("no stage figures to compare:\n%s", body)
	}
	status, page, _ := c.get(t, "/ops/reports?"+q)
	for _, want := range []string{`<div class="chart hbars"`, "Bagian permohonan yang selesai tepat waktu",
		"Waktu kerja per tahap, KK / KTP-el", "100% tepat waktu (1 dari 1)"} {
		if status != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("reports page (%d) lacks %q", status, want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestOpsReplyAndHandBack: a reply from the case page goes to the resident through the outbox,
// the page then shows who has the chat, and handing it back silences that.
func TestOpsReplyAndHandBack(t *testing.T) {
	env := MustCasesAPI(t, "")
	number, _ := env.MustApply(t, apiResident, "3516131204850003")
	c := newOpsClient(t, env.URL)
	c.mustLogin(t, rina)
	const text = "Selamat siang Pak Budi, foto KK sudah kami terima."
	if status, body := c.act(t, number, url.Values{"action": {"reply"}, "text": {text}}); status != http.StatusSeeOther {
		t.Fatalf("reply = %d:\n%s", status, between(body, `role="alert">`, "<"))
	}
	if !env.outboxHas(t, casePhone(t, apiResident), text) {
		t.Error("the reply is not in the outbox for the resident")
	}
	_, page, _ := c.get(t, "/ops/cases/"+number)
	if !strings.Contains(page, "Chat dipegang: "+html.EscapeString(rina)) || !strings.Contains(page, `id="act-handback"`) {
		t.Errorf("the page does not show that %s has the chat", rina)
	}
	if status, _ := c.act(t, number, url.Values{"action": {"handback"}}); status != http.StatusSeeOther {
		t.Fatalf("hand back = %d", status)
	}
	_, page, _ = c.get(t, "/ops/cases/"+number)
	if strings.Contains(page, "Chat dipegang") {
		t.Error("after handing back, a person still has the chat")
	}
}

// fakeLinker plays WhatsApp's side of linking: a QR code, then the phone scanning it.
type fakeLinker struct{ scanned chan struct{} }

func (f fakeLinker) Link(ctx context.Context, account, phone string, show func(ops.LinkStep)) error {
	show(ops.LinkStep{QR: "2@fake-qr-" + account, QRValid: 20 * time.Second})
	select {
	case <-f.scanned:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestOpsLinkNumber(t *testing.T) {
	env := MustCasesAPI(t, "")
	fake := fakeLinker{scanned: make(chan struct{})}
	linking := httptest.NewServer(env.Simulator.Web(app.WebOptions{Linker: fake}).Handler())
	t.Cleanup(linking.Close)
	env.URL = linking.URL
	c := newOpsClient(t, env.URL)
	c.mustLogin(t, kadis)
	if _, page, _ := c.get(t, "/ops/numbers"); !strings.Contains(page, "Tautkan dengan kode QR") {
		t.Fatal("the numbers page offers no linking to a supervisor")
	}
	if status, _, _ := c.post(t, "/ops/numbers/kkktp/link", url.Values{"mode": {"qr"}}); status != http.StatusSeeOther {
		t.Fatalf("start linking = %d", status)
	}
	var st struct {
		QR   string `json:"qr_svg"`
		Done bool   `json:"done"`
		Err  string `json:"error"`
	}
	poll := func(want func() bool) {
		t.Helper()
		for range 200 {
			status, body, _ := c.get(t, "/ops/numbers/kkktp/link")
			if status != http.StatusOK {
				t.Fatalf("link state = %d %s", status, body)
			}
			if err := json.Unmarshal([]byte(body), &st); err != nil {
				t.Fatal(err)
			}
			if want() {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("link state never as wanted: %+v", st)
	}
	poll(func() bool { return st.QR != "" })
	if !strings.HasPrefix(st.QR, "<svg") || !strings.Contains(st.QR, `aria-label="Kode QR`) {
		t.Errorf("QR code is not an SVG: %.100s", st.QR)
	}
	close(fake.scanned)
	poll(func() bool { return st.Done })
	if st.Err != "" {
		t.Errorf("linking ended with %q", st.Err)
	}
}

// TestOpsPDFInline: a PDF the resident sends is shown inline on the case page, not downloaded.
func TestOpsPDFInline(t *testing.T) {
	env := MustCasesAPI(t, "")
	number, _ := env.MustApply(t, apiResident, "3516131204850003")
	c := newOpsClient(t, env.URL)
	c.mustLogin(t, rina)
	if status, _ := c.act(t, number, url.Values{"action": {"fix"}, "docs": {"kk"}, "text": {"kirim KK sebagai PDF"}}); status != http.StatusSeeOther {
		t.Fatalf("fix = %d", status)
	}
	pdf := string(testpdf.PDF(1))
	env.post(t, map[string]any{"account": "kkktp", "from": apiResident, "text": "kk", "media": map[string]string{
		"mime": "application/pdf", "filename": "kk.pdf", "data": b64([]byte(pdf))}})
	_, page, _ := c.get(t, "/ops/cases/"+number)
	m := regexp.MustCompile(`data-view="(/ops/cases/[^"]+)" data-kind="pdf"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the case page offers no PDF viewer for the resent KK")
	}
	status, body, h := c.get(t, m[1])
	if status != http.StatusOK || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(h.Get("Content-Disposition"), "inline") || body != pdf {
		t.Errorf("PDF = %d %s %q, want the file inline", status, h.Get("Content-Type"), h.Get("Content-Disposition"))
	}
	if csp := h.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox") || strings.Contains(csp, "allow-scripts") || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("PDF served with CSP %q, nosniff %q; want a sandbox without scripts and nosniff", csp, h.Get("X-Content-Type-Options"))
	}
}

// TestOpsChecklistWithAlternatives: a requirement a resident may meet with either of two
// documents (the marriage book or its SPTJM) is one line, ticked by the one received, and the
// fix form offers only real document keys.
func TestOpsChecklistWithAlternatives(t *testing.T) {
	env := MustCasesAPI(t, "")
	say := func(msg map[string]any) {
		msg["account"], msg["from"] = "kkktp", apiResident
		env.post(t, msg)
	}
	for _, text := range []string{"halo", "1", "3516131204850003", "Budi Santoso"} {
		say(map[string]any{"text": text})
	}
	for _, caption := range []string{"kk", "buku nikah"} {
		say(map[string]any{"text": caption, "media": map[string]string{"mime": "image/jpeg", "filename": "f.jpg",
			"data": b64(documentJPEG(t, caption))}})
	}
	for _, text := range []string{"tidak", "1", "ya"} {
		say(map[string]any{"text": text})
	}
	var number string
	if err := env.DB.SQL().QueryRow(`SELECT number FROM cases ORDER BY id DESC LIMIT 1`).Scan(&number); err != nil {
		t.Fatal(err)
	}
	c := newOpsClient(t, env.URL)
	c.mustLogin(t, rina)
	_, page, _ := c.get(t, "/ops/cases/"+number)
	if strings.Contains(page, "buku_nikah|") || strings.Contains(page, "(tambahan)") {
		t.Errorf("the checklist shows a raw requirement or the marriage book as an extra:\n%s", page)
	}
	if !strings.Contains(page, "Buku Nikah") {
		t.Errorf("the checklist does not name the marriage book received")
	}
	status, _ := c.act(t, number, url.Values{"action": {"fix"}, "docs": {"buku_nikah"}, "text": {"foto terpotong"}})
	if status != http.StatusSeeOther {
		t.Errorf("asking for the marriage book again = %d, want it accepted", status)
	}
}
