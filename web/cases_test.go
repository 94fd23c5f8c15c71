package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
)

const (
	apiToken    = "s3cret-token"
	apiResident = "6281234567890"
)

// casesAPI is the simulator (mustSimEnv) with a cases API token, and the token its requests
// carry ("" for none).
type casesAPI struct {
	*simEnv
	token string
}

// MustCasesAPI starts the service on a fresh database with the built-in config; token "" keeps
// the cases API closed.
func MustCasesAPI(tb testing.TB, token string) *casesAPI {
	tb.Helper()
	cfg := mustConfig(tb, "")
	brisk(cfg)
	return &casesAPI{simEnv: mustSimEnv(tb, cfg, token), token: token}
}

// brisk lifts the outbox's pacing so that tests wait for nothing.
func brisk(cfg *config.Config) {
	for lane := range cfg.Outbound.Lanes {
		cfg.Outbound.Lanes[lane] = config.Budget{PerMinute: 60000, Burst: 100}
	}
	cfg.Outbound.ReplyDelay = config.ReplyDelay{}
}

// as returns the API seen with operator name's personal token, created in the database as
// `ketanmu operator token` would.
func (a *casesAPI) as(tb testing.TB, name string) *casesAPI {
	tb.Helper()
	tok := "tok-" + strings.ReplaceAll(name, " ", "-")
	if _, ok, err := a.DB.OperatorByToken(context.Background(), tok); err != nil || ok {
		if err != nil {
			tb.Fatal(err)
		}
		return &casesAPI{simEnv: a.simEnv, token: tok}
	}
	err := a.DB.Update(context.Background(), func(tx *store.Tx) error {
		op, err := tx.OperatorByName(name)
		if err != nil {
			return err
		}
		_, err = tx.AddToken(op.ID, tok, "test")
		return err
	})
	if err != nil {
		tb.Fatalf("token for %s: %v", name, err)
	}
	return &casesAPI{simEnv: a.simEnv, token: tok}
}

// call sends a request with the API token (when set) and extra header pairs, and returns the
// status, headers and body.
func (a *casesAPI) call(tb testing.TB, method, path, body string, header ...string) (int, http.Header, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, a.URL+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res.StatusCode, res.Header, data
}

// MustCall expects status want and decodes the JSON answer into v (when not nil).
func (a *casesAPI) MustCall(tb testing.TB, want int, method, path, body string, v any) {
	tb.Helper()
	status, _, data := a.call(tb, method, path, body)
	if status != want {
		tb.Fatalf("%s %s %s = %d %s, want %d", method, path, body, status, data, want)
	}
	if v != nil {
		if err := json.Unmarshal(data, v); err != nil {
			tb.Fatalf("%s %s answer %s: %v", method, path, data, err)
		}
	}
}

// post sends one message through the simulator API and fails unless it is handled.
func (a *casesAPI) post(tb testing.TB, msg map[string]any) {
	tb.Helper()
	body, err := json.Marshal(msg)
	if err != nil {
		tb.Fatal(err)
	}
	if status, _, data := a.call(tb, http.MethodPost, "/api/sim/messages", string(body), "Content-Type", "application/json"); status != http.StatusOK {
		tb.Fatalf("POST /api/sim/messages %.200s = %d %s", body, status, data)
	}
}

// MustApply plays a resident applying for a KTP-el data change with two photos, collected at
// the office, and returns the case number and the photos' bytes.
func (a *casesAPI) MustApply(tb testing.TB, from, nik string) (string, [][]byte) {
	tb.Helper()
	photos := [][]byte{documentJPEG(tb, from+"kk"), documentJPEG(tb, from+"ktp")}
	say := func(text string) {
		a.post(tb, map[string]any{"account": "kkktp", "from": from, "text": text})
	}
	for _, text := range []string{"halo", "5", nik, "Budi Santoso"} {
		say(text)
	}
	for i, caption := range []string{"kk", "ktp"} {
		a.post(tb, map[string]any{"account": "kkktp", "from": from, "text": caption, "media": map[string]string{
			"mime": "image/jpeg", "filename": caption + ".jpg", "data": base64.StdEncoding.EncodeToString(photos[i])}})
	}
	for _, text := range []string{"tidak", "1", "ya"} {
		say(text)
	}
	var number string
	err := a.DB.SQL().QueryRow(`SELECT number FROM cases WHERE chat = ? ORDER BY id DESC LIMIT 1`, casePhone(tb, from)).Scan(&number)
	if err != nil {
		tb.Fatalf("no case after applying: %v", err)
	}
	return number, photos
}

// MustCases stores n cases straight in the database, cycling through the given
// services, stages and phones.
func (a *casesAPI) MustCases(tb testing.TB, n int, services, stages, phones []string) {
	tb.Helper()
	prefix := map[string]string{}
	for key, svc := range a.Cfg.Services {
		prefix[key] = svc.Prefix
	}
	for i := range n {
		err := a.DB.Update(context.Background(), func(tx *store.Tx) error {
			phone := phones[i%len(phones)]
			rid, err := tx.Resident(phone, "")
			if err != nil {
				return err
			}
			svc := services[i%len(services)]
			_, err = tx.CreateCase(store.NewCase{Account: "nik", Chat: phone, ResidentID: rid, Prefix: prefix[svc],
				Service: svc, NIK: fmt.Sprintf("35161312048500%02d", i%100), Name: fmt.Sprintf("Warga %d", i),
				Details: map[string]string{}, Due: tx.Now().Add(72 * time.Hour), Day: "261124"})
			return err
		})
		if err != nil {
			tb.Fatal(err)
		}
		if stage := stages[i%len(stages)]; stage != "submitted" {
			if _, err := a.DB.SQL().Exec(`UPDATE cases SET stage = ? WHERE id = (SELECT MAX(id) FROM cases)`, stage); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

// counts counts the rows every write of the cases API may touch, and each case's stage.
func (a *casesAPI) counts(tb testing.TB) map[string]int {
	tb.Helper()
	out := a.tableCounts(tb, "case_events", "case_notes", "outbox", "messages", "audit_log")
	rows, err := a.DB.SQL().Query(`SELECT number, stage FROM cases`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var number, stage string
		if err := rows.Scan(&number, &stage); err != nil {
			tb.Fatal(err)
		}
		out[number+" "+stage] = 1
	}
	return out
}

// documentJPEG returns a real photo large enough for the flows, its content seeded by name.
func documentJPEG(tb testing.TB, name string) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	seed := 0
	for _, r := range name {
		seed = seed*31 + int(r)
	}
	for y := range 600 {
		for x := range 800 {
			img.Set(x, y, color.RGBA{uint8(x + seed), uint8(y * 3), uint8(seed), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func casePhone(tb testing.TB, s string) string {
	tb.Helper()
	p, err := ketanmu.NormalizePhone(s)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

type apiCase struct {
	Number     string            `json:"number"`
	Account    string            `json:"account"`
	Service    string            `json:"service"`
	Subtype    string            `json:"subtype"`
	Stage      string            `json:"stage"`
	Phone      string            `json:"phone"`
	Name       string            `json:"name"`
	NIK        string            `json:"nik"`
	Assignee   string            `json:"assignee"`
	CreatedAt  *string           `json:"created_at"`
	DueAt      *string           `json:"due_at"`
	StageDueAt *string           `json:"stage_due_at"`
	Details    map[string]string `json:"details"`
	Allowed    []string          `json:"allowed"`
	Events     []struct {
		From, To, Actor, Reason, Tracking, At string
	} `json:"events"`
	Documents []struct {
		ID       int64  `json:"id"`
		Key      string `json:"key"`
		Mime     string `json:"mime"`
		Filename string `json:"filename"`
		Size     int64  `json:"size"`
		SHA256   string `json:"sha256"`
		URL      string `json:"url"`
	} `json:"documents"`
	Notes []struct {
		Actor, Text, At string
	} `json:"notes"`
}

type apiList struct {
	Cases []apiCase `json:"cases"`
	Page  int       `json:"page"`
	Total int       `json:"total"`
}

func TestCasesAuth(t *testing.T) {
	api := MustCasesAPI(t, apiToken)
	number, _ := api.MustApply(t, "081234567890", "3516131204850003")
	endpoints := []struct{ method, path, body string }{
		{http.MethodGet, "/api/cases", ""},
		{http.MethodGet, "/api/cases/" + number, ""},
		{http.MethodGet, "/api/cases/" + number + "/documents/1", ""},
		{http.MethodPost, "/api/cases/" + number + "/transition", `{"to": "verifying"}`},
		{http.MethodPost, "/api/cases/" + number + "/reply", `{"text": "Halo"}`},
		{http.MethodGet, "/api/cases/KTP-000000-0000", ""},
	}
	auths := []struct{ name, header string }{
		{"missing", ""},
		{"wrong", "Bearer wrong-token"},
		{"prefix of the token", "Bearer " + apiToken[:5]},
		{"token plus more", "Bearer " + apiToken + "x"},
		{"not bearer", "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:"+apiToken))},
		{"bare token", apiToken},
		{"empty bearer", "Bearer "},
	}
	before := api.counts(t)
	for _, e := range endpoints {
		for _, a := range auths {
			t.Run(e.method+" "+e.path+" "+a.name, func(t *testing.T) {
				anon := *api
				anon.token = ""
				status, header, data := anon.call(t, e.method, e.path, e.body, "Authorization", a.header)
				if status != http.StatusUnauthorized {
					t.Errorf("status = %d %s, want 401", status, data)
				}
				if !strings.HasPrefix(header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", header.Get("WWW-Authenticate"))
				}
				assertJSONError(t, data)
			})
		}
	}
	if got := api.counts(t); !maps.Equal(got, before) {
		t.Errorf("rows = %v after refused requests, want %v", got, before)
	}
	t.Run("scheme is case-insensitive", func(t *testing.T) {
		anon := *api
		anon.token = ""
		status, _, data := anon.call(t, http.MethodGet, "/api/cases", "", "Authorization", "bearer "+apiToken)
		if status != http.StatusOK {
			t.Errorf("status = %d %s, want 200", status, data)
		}
	})
	t.Run("closed without a token", func(t *testing.T) {
		closed := MustCasesAPI(t, "")
		for _, header := range []string{"", "Bearer ", "Bearer sim"} {
			status, _, data := closed.call(t, http.MethodGet, "/api/cases", "", "Authorization", header)
			if status != http.StatusUnauthorized {
				t.Errorf("Authorization %q: status = %d %s, want 401", header, status, data)
			}
		}
	})
}

func TestCasesList(t *testing.T) {
	api := MustCasesAPI(t, apiToken)
	number, _ := api.MustApply(t, "081234567890", "3516131204850003")
	// 54 more, older than the applied one by number but newer by id: newest first is by id.
	api.MustCases(t, 54, []string{"validasi_nik", "pengaduan", "akta"}, []string{"submitted", "verifying", "done"},
		[]string{"6281300000001", "6281300000002"})

	var page1, page2, page3 apiList
	api.MustCall(t, http.StatusOK, http.MethodGet, "/api/cases", "", &page1)
	api.MustCall(t, http.StatusOK, http.MethodGet, "/api/cases?page=2", "", &page2)
	api.MustCall(t, http.StatusOK, http.MethodGet, "/api/cases?page=3", "", &page3)
	if page1.Total != 55 || page1.Page != 1 || len(page1.Cases) != 50 {
		t.Errorf("page 1: total %d, page %d, %d cases; want 55, 1, 50", page1.Total, page1.Page, len(page1.Cases))
	}
	if page2.Total != 55 || page2.Page != 2 || len(page2.Cases) != 5 {
		t.Errorf("page 2: total %d, page %d, %d cases; want 55, 2, 5", page2.Total, page2.Page, len(page2.Cases))
	}
	if page3.Total != 55 || page3.Cases == nil || len(page3.Cases) != 0 {
		t.Errorf("page 3: total %d, %v; want 55 and an empty list", page3.Total, page3.Cases)
	}
	seen := map[string]bool{}
	for _, c := range append(page1.Cases, page2.Cases...) {
		if seen[c.Number] {
			t.Errorf("%s listed twice", c.Number)
		}
		seen[c.Number] = true
	}
	if len(page2.Cases) > 0 && page2.Cases[len(page2.Cases)-1].Number != number {
		t.Errorf("last case listed = %s, want the oldest, %s", page2.Cases[len(page2.Cases)-1].Number, number)
	}

	t.Run("fields", func(t *testing.T) {
		c := page2.Cases[len(page2.Cases)-1]
		if c.Service != "kk_ktp" || c.Subtype != "ktp_perubahan" || c.Stage != "submitted" || c.Phone != apiResident ||
			c.Name != "Budi Santoso" || c.Account != "kkktp" {
			t.Errorf("case = %+v", c)
		}
		if got, want := c.NIK, "351613********03"; got != want {
			t.Errorf("nik = %q, want masked %q", got, want)
		}
		for name, v := range map[string]*string{"created_at": c.CreatedAt, "due_at": c.DueAt, "stage_due_at": c.StageDueAt} {
			if v == nil {
				t.Errorf("%s is null", name)
				continue
			}
			at, err := time.Parse(time.RFC3339, *v)
			if err != nil {
				t.Errorf("%s = %q, not RFC 3339", name, *v)
			} else if _, off := at.Zone(); off != 7*3600 {
				t.Errorf("%s = %q, want the office's time zone (+07:00)", name, *v)
			}
		}
		if c.Events != nil || c.Documents != nil || c.Details != nil {
			t.Errorf("list entry carries the case file: %+v", c)
		}
	})

	filters := []struct {
		query string
		total int
	}{
		{"status=submitted", 19}, // 18 stored + the applied one
		{"status=done", 18},
		{"service=kk_ktp", 1},
		{"service=validasi_nik", 18},
		{"service=validasi_nik&status=submitted", 18}, // services and stages cycle together
		{"service=pengaduan&status=verifying", 18},
		{"service=pengaduan&status=submitted", 0},
		{"phone=081234567890", 1},
		{"phone=6281234567890", 1},
		{"phone=%2B6281234567890", 1},
		{"phone=%2B62+812-3456-7890", 1},
		{"phone=081300000001", 27},
		{"phone=081300000001&service=validasi_nik", 9},
		{"phone=089999999999", 0},
		{"status=&service=&phone=&page=", 55},
	}
	for _, f := range filters {
		t.Run(f.query, func(t *testing.T) {
			var got apiList
			api.MustCall(t, http.StatusOK, http.MethodGet, "/api/cases?"+f.query, "", &got)
			if got.Total != f.total || len(got.Cases) != min(f.total, 50) {
				t.Errorf("total %d, %d cases; want %d", got.Total, len(got.Cases), f.total)
			}
		})
	}

	for _, q := range []string{"status=approved", "service=paspor", "phone=nomor", "page=0", "page=-1", "page=abc", "page=1.5"} {
		t.Run("bad "+q, func(t *testing.T) {
			status, _, data := api.call(t, http.MethodGet, "/api/cases?"+q, "")
			if status != http.StatusBadRequest {
				t.Errorf("status = %d %s, want 400", status, data)
			}
			assertJSONError(t, data)
		})
	}
}

func TestCaseGet(t *testing.T) {
	api := MustCasesAPI(t, apiToken)
	number, photos := api.MustApply(t, "081234567890", "3516131204850003")

	var c apiCase
	api.MustCall(t, http.StatusOK, http.MethodGet, "/api/cases/"+number, "", &c)
	if c.Number != number || c.NIK != "3516131204850003" || c.Stage != "submitted" || c.Phone != apiResident {
		t.Errorf("case = %+v, want %s with the full NIK", c, number)
	}
	if got, want := c.Details["delivery"], "pickup"; got != want {
		t.Errorf("details[delivery] = %q, want %q (details %v)", got, want, c.Details)
	}
	if got, want := c.Allowed, []string{"verifying", "rejected"}; !slices.Equal(got, want) {
		t.Errorf("allowed = %v, want %v", got, want)
	}
	if len(c.Events) != 1 || c.Events[0].To != "submitted" || c.Events[0].At == "" {
		t.Errorf("events = %+v, want the submission", c.Events)
	}
	if len(c.Documents) != 2 {
		t.Fatalf("documents = %+v, want 2", c.Documents)
	}
	for i, d := range c.Documents {
		if d.Key != []string{"kk", "ktp_el"}[i] || d.Mime != "image/jpeg" || d.Size != int64(len(photos[i])) ||
			len(d.SHA256) != 64 || d.URL != fmt.Sprintf("/api/cases/%s/documents/%d", number, d.ID) {
			t.Errorf("documents[%d] = %+v", i, d)
		}
	}
	if c.Notes == nil || len(c.Notes) != 0 {
		t.Errorf("notes = %v, want []", c.Notes)
	}

	t.Run("lower case number", func(t *testing.T) {
		var lc apiCase
		api.MustCall(t, http.StatusOK, http.MethodGet, "/api/cases/"+strings.ToLower(number), "", &lc)
		if lc.Number != number {
			t.Errorf("number = %q, want %q", lc.Number, number)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		for _, n := range []string{"KTP-261125-9999", "nope"} {
			status, _, data := api.call(t, http.MethodGet, "/api/cases/"+n, "")
			if status != http.StatusNotFound {
				t.Errorf("GET %s = %d %s, want 404", n, status, data)
			}
			assertJSONError(t, data)
		}
	})
}

func TestCaseDocument(t *testing.T) {
	api := MustCasesAPI(t, apiToken)
	number, photos := api.MustApply(t, "081234567890", "3516131204850003")
	other, _ := api.MustApply(t, "081298765432", "3516131204850011")
	var c, o apiCase
	api.MustCall(t, http.StatusOK, http.MethodGet, "/api/cases/"+number, "", &c)
	api.MustCall(t, http.StatusOK, http.MethodGet, "/api/cases/"+other, "", &o)

	agus := api.as(t, "Agus (validator)")
	for i, d := range c.Documents {
		// X-Actor is no longer trusted: the reader is the token's owner.
		status, header, data := agus.call(t, http.MethodGet, d.URL, "", "X-Actor", "Bu Kadis")
		if status != http.StatusOK {
			t.Fatalf("GET %s = %d %s", d.URL, status, data)
		}
		if !bytes.Equal(data, photos[i]) {
			t.Errorf("document %d: %d bytes differ from the %d uploaded", d.ID, len(data), len(photos[i]))
		}
		for name, want := range map[string]string{"Content-Type": "image/jpeg", "X-Content-Type-Options": "nosniff",
			"Content-Disposition": `inline; filename=` + d.Filename} {
			if got := header.Get(name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		if csp := header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
			t.Errorf("Content-Security-Policy = %q, want a sandbox", csp)
		}
		if cc := header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("Cache-Control = %q, want no-store", cc)
		}
	}
	api.call(t, http.MethodGet, c.Documents[0].URL, "") // the shared token: the configured system actor

	accesses, err := api.DB.DocumentAccesses(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range accesses {
		got = append(got, fmt.Sprintf("%d %s", a.DocumentID, a.Actor))
	}
	want := []string{fmt.Sprintf("%d Agus (validator)", c.Documents[0].ID), fmt.Sprintf("%d Agus (validator)", c.Documents[1].ID),
		fmt.Sprintf("%d Integrasi (API)", c.Documents[0].ID)}
	if !slices.Equal(got, want) {
		t.Errorf("document_access = %q, want %q", got, want)
	}

	before := api.counts(t)
	bad := []struct {
		path   string
		status int
	}{
		{fmt.Sprintf("/api/cases/%s/documents/%d", number, o.Documents[0].ID), http.StatusNotFound}, // another case's
		{fmt.Sprintf("/api/cases/%s/documents/%d", number, 999), http.StatusNotFound},
		{fmt.Sprintf("/api/cases/KTP-261125-9999/documents/%d", c.Documents[0].ID), http.StatusNotFound},
		{fmt.Sprintf("/api/cases/%s/documents/kk", number), http.StatusBadRequest},
	}
	for _, b := range bad {
		status, _, data := api.call(t, http.MethodGet, b.path, "")
		if status != b.status {
			t.Errorf("GET %s = %d %s, want %d", b.path, status, data, b.status)
		}
		assertJSONError(t, data)
	}
	if got := api.counts(t); !maps.Equal(got, before) {
		t.Errorf("rows = %v after refused downloads, want %v", got, before)
	}
}

func TestCaseDocumentDisposition(t *testing.T) {
	api := MustCasesAPI(t, apiToken)
	number, _ := api.MustApply(t, "081234567890", "3516131204850003")
	// A resident's PDF (or anything not a photo) is a download, never shown in our origin.
	if _, err := api.DB.SQL().Exec(`UPDATE media SET mime = 'application/pdf', filename = 'surat "lahir".pdf'
		WHERE id = (SELECT media_id FROM case_documents WHERE id = 1)`); err != nil {
		t.Fatal(err)
	}
	status, header, data := api.call(t, http.MethodGet, "/api/cases/"+number+"/documents/1", "")
	if status != http.StatusOK {
		t.Fatalf("status = %d %s", status, data)
	}
	if got, want := header.Get("Content-Disposition"), `attachment; filename="surat \"lahir\".pdf"`; got != want {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
	if got, want := header.Get("Content-Type"), "application/pdf"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
}

func TestCaseTransition(t *testing.T) {
	shared := MustCasesAPI(t, apiToken)
	number, _ := shared.MustApply(t, "081234567890", "3516131204850003")
	api := shared.as(t, "Rina (front office)")
	path := "/api/cases/" + number + "/transition"

	var c apiCase
	// A name in the body is not who acts: the token's owner is.
	api.MustCall(t, http.StatusOK, http.MethodPost, path, `{"to": "verifying", "actor": "Bu Kadis"}`, &c)
	if c.Stage != "verifying" || c.Number != number {
		t.Errorf("answer = %+v, want %s in verifying", c, number)
	}
	if got, want := c.Allowed, []string{"needs_fix", "in_production", "rejected"}; !slices.Equal(got, want) {
		t.Errorf("allowed = %v, want %v", got, want)
	}
	last := c.Events[len(c.Events)-1]
	if last.From != "submitted" || last.To != "verifying" || last.Actor != "Rina (front office)" {
		t.Errorf("last event = %+v, want submitted→verifying by Rina", last)
	}
	if !api.outboxHas(t, apiResident, number+"* sedang diperiksa") {
		t.Errorf("the resident was not told the case is being checked")
	}

	api.MustCall(t, http.StatusOK, http.MethodPost, path,
		`{"to": "needs_fix", "reason": "foto KK buram"}`, &c)
	if last := c.Events[len(c.Events)-1]; c.Stage != "needs_fix" || last.Reason != "foto KK buram" {
		t.Errorf("stage %s, last event %+v; want needs_fix with the reason", c.Stage, last)
	}
	if !api.outboxHas(t, apiResident, "foto KK buram") {
		t.Errorf("the resident was not told what to resend")
	}

	t.Run("refused", func(t *testing.T) {
		before := api.counts(t)
		tests := []struct {
			name, body string
			status     int
		}{
			{"not allowed", `{"to": "shipped", "tracking": "RESI1"}`, http.StatusConflict},
			{"same stage", `{"to": "needs_fix", "reason": "lagi"}`, http.StatusConflict},
			{"unknown stage", `{"to": "approved"}`, http.StatusBadRequest},
			{"missing to", `{}`, http.StatusBadRequest},
			{"rejected without reason", `{"to": "rejected"}`, http.StatusBadRequest},
			{"malformed JSON", `{"to": "verifying"`, http.StatusBadRequest},
			{"not an object", `["verifying"]`, http.StatusBadRequest},
			{"wrong type", `{"to": 3}`, http.StatusBadRequest},
			{"empty body", ``, http.StatusBadRequest},
			{"two values", `{"to": "verifying", "actor": "Rina"} {}`, http.StatusBadRequest},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				status, _, data := api.call(t, http.MethodPost, path, tt.body)
				if status != tt.status {
					t.Errorf("status = %d %s, want %d", status, data, tt.status)
				}
				assertJSONError(t, data)
				if status != http.StatusConflict {
					return
				}
				var ans struct {
					Allowed []string `json:"allowed"`
				}
				if err := json.Unmarshal(data, &ans); err != nil {
					t.Fatal(err)
				}
				if got, want := ans.Allowed, []string{"submitted", "verifying", "rejected"}; !slices.Equal(got, want) {
					t.Errorf("allowed = %v, want %v", got, want)
				}
			})
		}
		status, _, data := api.call(t, http.MethodPost, "/api/cases/KTP-261125-9999/transition", `{"to": "verifying"}`)
		if status != http.StatusNotFound {
			t.Errorf("unknown case: status = %d %s, want 404", status, data)
		}
		if got := api.counts(t); !maps.Equal(got, before) {
			t.Errorf("rows = %v after refused transitions, want %v", got, before)
		}
	})

	t.Run("closed case", func(t *testing.T) {
		shared.MustCall(t, http.StatusOK, http.MethodPost, path, `{"to": "rejected", "reason": "data tidak sesuai"}`, &c)
		if last := c.Events[len(c.Events)-1]; last.Actor != "Integrasi (API)" {
			t.Errorf("rejected by %q, want the shared token's system actor", last.Actor)
		}
		status, _, data := api.call(t, http.MethodPost, path, `{"to": "verifying"}`)
		var ans struct {
			Allowed []string `json:"allowed"`
		}
		_ = json.Unmarshal(data, &ans)
		if status != http.StatusConflict || ans.Allowed == nil || len(ans.Allowed) != 0 {
			t.Errorf("status = %d %s, want 409 with allowed []", status, data)
		}
	})
}

func TestCaseReply(t *testing.T) {
	shared := MustCasesAPI(t, apiToken)
	number, _ := shared.MustApply(t, "081234567890", "3516131204850003")
	api := shared.as(t, "Rina (front office)")
	path := "/api/cases/" + number + "/reply"
	const text = "Selamat siang Pak Budi, foto KK sudah kami terima. Mohon ditunggu."

	var c apiCase
	api.MustCall(t, http.StatusOK, http.MethodPost, path, `{"text": "`+text+`"}`, &c)
	if len(c.Notes) != 1 || c.Notes[0].Actor != "Rina (front office)" || !strings.Contains(c.Notes[0].Text, text) {
		t.Errorf("notes = %+v, want the reply recorded as Rina's", c.Notes)
	}
	if c.Stage != "verifying" {
		t.Errorf("stage = %s, want verifying: staff answering a waiting case are looking at it", c.Stage)
	}
	if !api.outboxHas(t, apiResident, text) {
		t.Fatalf("the reply is not queued for the resident")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !slices.ContainsFunc(api.Transport.Sent(), func(m ketanmu.Outbound) bool { return m.Text == text && m.Chat == apiResident }) {
		if time.Now().After(deadline) {
			t.Fatalf("the reply was not delivered")
		}
		time.Sleep(10 * time.Millisecond)
	}

	before := api.counts(t)
	tests := []struct {
		name, number, body string
		status             int
	}{
		{"missing text", number, `{}`, http.StatusBadRequest},
		{"blank text", number, `{"text": " \n "}`, http.StatusBadRequest},
		{"too long", number, `{"text": "` + strings.Repeat("a", 4097) + `"}`, http.StatusBadRequest},
		{"malformed", number, `{"text": "Halo"`, http.StatusBadRequest},
		{"unknown case", "KTP-261125-9999", `{"text": "Halo"}`, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, data := api.call(t, http.MethodPost, "/api/cases/"+tt.number+"/reply", tt.body)
			if status != tt.status {
				t.Errorf("status = %d %s, want %d", status, data, tt.status)
			}
			assertJSONError(t, data)
		})
	}
	if got := api.counts(t); !maps.Equal(got, before) {
		t.Errorf("rows = %v after refused replies, want %v", got, before)
	}
}

// outboxHas reports whether a message to chat containing text was queued.
func (a *casesAPI) outboxHas(tb testing.TB, chat, text string) bool {
	tb.Helper()
	var n int
	err := a.DB.SQL().QueryRow(`SELECT COUNT(*) FROM outbox WHERE chat = ? AND instr(text, ?) > 0`, chat, text).Scan(&n)
	if err != nil {
		tb.Fatal(err)
	}
	return n > 0
}

// TestSLAReportFollowsWhatTheCallerMaySee: complaints are only in the report of those who may
// see them, as in the case list.
func TestSLAReportFollowsWhatTheCallerMaySee(t *testing.T) {
	api := MustCasesAPI(t, apiToken)
	services := func(a *casesAPI) []string {
		var rep struct {
			Services []struct{ Service string } `json:"services"`
		}
		a.MustCall(t, http.StatusOK, http.MethodGet, "/api/reports/sla?from=2026-11-23&to=2026-11-27", "", &rep)
		var out []string
		for _, s := range rep.Services {
			out = append(out, s.Service)
		}
		return out
	}
	if got := services(api.as(t, "Rina (front office)")); slices.Contains(got, "pengaduan") || !slices.Contains(got, "kk_ktp") {
		t.Errorf("front office report lists %v, want no complaints", got)
	}
	for _, a := range []*casesAPI{api.as(t, "Sari (pengaduan)"), api} {
		if got := services(a); !slices.Contains(got, "pengaduan") {
			t.Errorf("report for a complaints officer or the system actor lists %v, want complaints", got)
		}
	}
}
