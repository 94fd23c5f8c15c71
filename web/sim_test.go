package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// simAPI is the simulator (mustSimEnv) with a config that lowers the media limit.
type simAPI struct {
	*simEnv
}

// testMaxMedia is storage.max_media_bytes in the test config.
const testMaxMedia = 1000

// MustSimAPI starts the simulator on a fresh database with a config file that only lowers the
// media limit, loaded the way the program loads it.
func MustSimAPI(tb testing.TB) *simAPI {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("storage: {max_media_bytes: 1000}\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	cfg := mustConfig(tb, path)
	if got := cfg.Storage.MaxMediaBytes; got != testMaxMedia {
		tb.Fatalf("storage.max_media_bytes = %d, want %d", got, testMaxMedia)
	}
	return &simAPI{simEnv: mustSimEnv(tb, cfg, "")}
}

// do sends a request and returns the status and body.
func (s *simAPI) do(tb testing.TB, method, path, body string) (int, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
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
	return res.StatusCode, data
}

type simReply struct {
	ID    string `json:"id"`
	To    string `json:"to"`
	Text  string `json:"text"`
	Media *struct {
		Mime     string `json:"mime"`
		Filename string `json:"filename"`
	} `json:"media"`
}

type simAnswer struct {
	ID      string     `json:"id"`
	Replies []simReply `json:"replies"`
}

// MustPost posts a message (any JSON-encodable value) and expects 200.
func (s *simAPI) MustPost(tb testing.TB, msg any) simAnswer {
	tb.Helper()
	body, err := json.Marshal(msg)
	if err != nil {
		tb.Fatal(err)
	}
	status, data := s.do(tb, http.MethodPost, "/api/sim/messages", string(body))
	if status != http.StatusOK {
		tb.Fatalf("POST /api/sim/messages %s = %d %s, want 200", body, status, data)
	}
	var ans simAnswer
	if err := json.Unmarshal(data, &ans); err != nil {
		tb.Fatalf("answer %s: %v", data, err)
	}
	if ans.Replies == nil {
		tb.Fatalf("answer %s has no replies array", data)
	}
	return ans
}

type simLine struct {
	ID        string `json:"id"`
	Direction string `json:"direction"`
	FromMe    bool   `json:"from_me"`
	Text      string `json:"text"`
	Media     *struct {
		Mime     string `json:"mime"`
		Filename string `json:"filename"`
		URL      string `json:"url"`
	} `json:"media"`
	Revoked bool   `json:"revoked"`
	At      string `json:"at"`
}

// MustTranscript returns a chat's transcript.
func (s *simAPI) MustTranscript(tb testing.TB, account, chat string) []simLine {
	tb.Helper()
	status, data := s.do(tb, http.MethodGet, "/api/sim/messages?"+url.Values{"account": {account}, "chat": {chat}}.Encode(), "")
	if status != http.StatusOK {
		tb.Fatalf("GET transcript %s %s = %d %s", account, chat, status, data)
	}
	var out []simLine
	if err := json.Unmarshal(data, &out); err != nil {
		tb.Fatalf("transcript %s: %v", data, err)
	}
	return out
}

// MustOutboxIdle waits until the outbox has nothing pending, so that counting deliveries
// afterwards does not race with replies still on their way.
func (s *simAPI) MustOutboxIdle(tb testing.TB) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := s.DB.SQL().QueryRow(`SELECT COUNT(*) FROM outbox WHERE status = 'pending'`).Scan(&n); err != nil {
			tb.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%d outbox rows still pending after 10s", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// rowCounts counts the rows of every table a message can touch.
func (s *simAPI) rowCounts(tb testing.TB) map[string]int {
	tb.Helper()
	return s.tableCounts(tb, "messages", "outbox", "media", "conversations", "residents")
}

func (s *simAPI) MustNow(tb testing.TB) time.Time {
	tb.Helper()
	status, data := s.do(tb, http.MethodGet, "/api/sim/clock", "")
	if status != http.StatusOK {
		tb.Fatalf("GET clock = %d %s", status, data)
	}
	return parseNow(tb, data)
}

func parseNow(tb testing.TB, data []byte) time.Time {
	tb.Helper()
	var ans struct {
		Now string `json:"now"`
	}
	if err := json.Unmarshal(data, &ans); err != nil {
		tb.Fatalf("clock answer %s: %v", data, err)
	}
	now, err := time.Parse(time.RFC3339, ans.Now)
	if err != nil {
		tb.Fatalf("now %q is not RFC 3339: %v", ans.Now, err)
	}
	return now
}

// tinyPNG returns a small valid image, well under testMaxMedia.
func tinyPNG(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.RGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	if buf.Len() >= testMaxMedia {
		tb.Fatalf("test image is %d bytes", buf.Len())
	}
	return buf.Bytes()
}

const (
	simAccount = "kkktp"
	simGroup   = "120363000000000101@g.us"
	resident   = "6281234567890"
)

func TestSimHalo(t *testing.T) {
	api := MustSimAPI(t)
	ans := api.MustPost(t, map[string]any{"account": simAccount, "from": "081234567890", "text": "halo"})
	if ans.ID == "" {
		t.Errorf("answer has no message id")
	}
	// The greeting, the privacy notice and the numbered menu, in one reply or a few.
	if len(ans.Replies) == 0 || len(ans.Replies) > 3 {
		t.Fatalf("%d replies, want 1 to 3: %+v", len(ans.Replies), ans.Replies)
	}
	var all []string
	for _, r := range ans.Replies {
		all = append(all, r.Text)
		if got, want := r.To, resident; got != want {
			t.Errorf("reply to = %q, want %q", got, want)
		}
		if r.ID == "" || r.ID == ans.ID {
			t.Errorf("reply id = %q, want its own id", r.ID)
		}
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{"Selamat datang", "UU 27/2022", "\n1. "} {
		if !strings.Contains(text, want) {
			t.Errorf("replies %q lack %q", text, want)
		}
	}
	if !strings.Contains(ans.Replies[0].Text, "Selamat datang") {
		t.Errorf("first reply %q, want the greeting first", ans.Replies[0].Text)
	}

	lines := api.MustTranscript(t, simAccount, resident)
	if got, want := len(lines), 1+len(ans.Replies); got != want {
		t.Fatalf("transcript has %d lines, want %d: %+v", got, want, lines)
	}
	if got := lines[0]; got.ID != ans.ID || got.Direction != "in" || got.Text != "halo" || got.FromMe {
		t.Errorf("transcript[0] = %+v, want the inbound halo %s", got, ans.ID)
	}
	for i, r := range ans.Replies {
		if got := lines[i+1]; got.ID != r.ID || got.Direction != "out" || got.Text != r.Text || !got.FromMe {
			t.Errorf("transcript[%d] = %+v, want the reply %s", i+1, got, r.ID)
		}
	}
	for i, l := range lines {
		if _, err := time.Parse(time.RFC3339, l.At); err != nil {
			t.Errorf("transcript[%d].at = %q, not RFC 3339", i, l.At)
		}
	}
}

func TestSimDuplicateID(t *testing.T) {
	api := MustSimAPI(t)
	msg := map[string]any{"account": simAccount, "from": resident, "text": "halo", "id": "3EB0AAAABBBBCCCCDDDD01"}
	first := api.MustPost(t, msg)
	if got, want := first.ID, "3EB0AAAABBBBCCCCDDDD01"; got != want {
		t.Errorf("answer id = %q, want %q", got, want)
	}
	if len(first.Replies) == 0 {
		t.Fatalf("first delivery got no replies")
	}
	before := api.MustTranscript(t, simAccount, resident)
	counts := api.rowCounts(t)

	for _, variant := range []map[string]any{
		msg,
		{"account": simAccount, "from": "+6281234567890", "text": "halo lagi", "id": "3EB0AAAABBBBCCCCDDDD01"},
	} {
		again := api.MustPost(t, variant)
		if got := len(again.Replies); got != 0 {
			t.Errorf("duplicate %v got %d replies, want 0", variant, got)
		}
		if got, want := again.ID, first.ID; got != want {
			t.Errorf("duplicate answer id = %q, want %q", got, want)
		}
	}
	after := api.MustTranscript(t, simAccount, resident)
	if !slices.EqualFunc(before, after, func(a, b simLine) bool { return a.ID == b.ID && a.Text == b.Text }) {
		t.Errorf("transcript changed by a duplicate:\nbefore %+v\nafter  %+v", before, after)
	}
	if got := api.rowCounts(t); !maps.Equal(got, counts) {
		t.Errorf("rows after duplicates = %v, want %v", got, counts)
	}
}

func TestSimPhoneForms(t *testing.T) {
	api := MustSimAPI(t)
	forms := []string{"081234567890", "6281234567890", "+6281234567890", "+62 812-3456-7890"}
	var ids []string
	for _, from := range forms {
		ans := api.MustPost(t, map[string]any{"account": simAccount, "from": from, "text": "halo"})
		ids = append(ids, ans.ID)
		for _, r := range ans.Replies {
			if r.To != resident {
				t.Errorf("reply to %q for from %q, want %q", r.To, from, resident)
			}
			ids = append(ids, r.ID)
		}
	}
	for _, chat := range forms {
		var got []string
		for _, l := range api.MustTranscript(t, simAccount, chat) {
			got = append(got, l.ID)
		}
		if !slices.Equal(got, ids) {
			t.Errorf("transcript of %q = %v, want %v", chat, got, ids)
		}
	}
	var residents int
	if err := api.DB.SQL().QueryRow(`SELECT COUNT(*) FROM residents`).Scan(&residents); err != nil {
		t.Fatal(err)
	}
	if residents != 1 {
		t.Errorf("%d residents, want 1", residents)
	}
}

func TestSimMedia(t *testing.T) {
	api := MustSimAPI(t)
	data := tinyPNG(t)
	ans := api.MustPost(t, map[string]any{"account": simAccount, "from": resident, "text": "foto KK",
		"media": map[string]string{"mime": "image/png", "filename": "kk.png", "data": base64.StdEncoding.EncodeToString(data)}})

	lines := api.MustTranscript(t, simAccount, resident)
	if len(lines) == 0 {
		t.Fatalf("empty transcript")
	}
	in := lines[0]
	if in.ID != ans.ID || in.Media == nil {
		t.Fatalf("transcript[0] = %+v, want message %s with media", in, ans.ID)
	}
	if in.Media.Mime != "image/png" || in.Media.Filename != "kk.png" || in.Media.URL == "" {
		t.Errorf("media = %+v, want image/png kk.png with a url", *in.Media)
	}
	if got, want := in.Text, "foto KK"; got != want {
		t.Errorf("caption = %q, want %q", got, want)
	}

	res, err := http.Get(api.URL + in.Media.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", in.Media.URL, res.StatusCode, got)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("GET %s returned %d bytes, want the %d bytes sent", in.Media.URL, len(got), len(data))
	}
	if ct := res.Header.Get("Content-Type"); ct != "image/png" {
		t.Errorf("Content-Type = %q, want image/png", ct)
	}

	for _, path := range []string{"/api/sim/media/99999", "/api/sim/media/abc"} {
		status, body := api.do(t, http.MethodGet, path, "")
		if status < 400 || status >= 500 {
			t.Errorf("GET %s = %d %s, want 4xx", path, status, body)
		}
	}
}

func TestSimFromMeAndGroups(t *testing.T) {
	api := MustSimAPI(t)
	t.Run("from_me", func(t *testing.T) {
		ans := api.MustPost(t, map[string]any{"account": simAccount, "from": "081234567890", "text": "Saya bantu, Bu", "from_me": true})
		if len(ans.Replies) != 0 {
			t.Errorf("office message got %d replies, want 0", len(ans.Replies))
		}
		lines := api.MustTranscript(t, simAccount, resident)
		if len(lines) != 1 || !lines[0].FromMe || lines[0].Direction != "in" {
			t.Errorf("transcript = %+v, want the office's message", lines)
		}
	})
	t.Run("group member", func(t *testing.T) {
		ans := api.MustPost(t, map[string]any{"account": simAccount, "from": simGroup, "sender": "081299999999", "text": "siap"})
		if len(ans.Replies) != 0 {
			t.Errorf("group message got %d replies, want 0", len(ans.Replies))
		}
		if lines := api.MustTranscript(t, simAccount, simGroup); len(lines) != 1 || lines[0].ID != ans.ID {
			t.Errorf("group transcript = %+v, want the message %s", lines, ans.ID)
		}
	})
}

func TestSimBadRequests(t *testing.T) {
	api := MustSimAPI(t)
	api.MustPost(t, map[string]any{"account": simAccount, "from": resident, "text": "halo"})
	api.MustOutboxIdle(t)
	// Over the hard HTTP limit (twice max_media_bytes in base64, and 1 MiB of JSON): refused.
	// A file merely over max_media_bytes is answered politely (TestSimAnswersLikeWhatsApp).
	huge := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xff}, 2*testMaxMedia+1<<20))
	png := base64.StdEncoding.EncodeToString(tinyPNG(t))

	tests := []struct {
		name string
		body string
	}{
		{"invalid JSON", `{"account": "kkktp", "from": "081234567890", "text": "halo"`},
		{"not an object", `["halo"]`},
		{"data after the JSON", `{"account": "kkktp", "from": "081234567890", "text": "halo"} {"text": "again"}`},
		{"empty body", ``},
		{"wrong type", `{"account": "kkktp", "from": "081234567890", "text": "halo", "from_me": "yes"}`},
		{"unknown account", `{"account": "paspor", "from": "081234567890", "text": "halo"}`},
		{"missing account", `{"from": "081234567890", "text": "halo"}`},
		{"bad base64", `{"account": "kkktp", "from": "081234567890", "media": {"mime": "image/jpeg", "filename": "kk.jpg", "data": "!!not base64!!"}}`},
		{"media without mime", `{"account": "kkktp", "from": "081234567890", "media": {"filename": "kk.png", "data": "` + png + `"}}`},
		{"empty media", `{"account": "kkktp", "from": "081234567890", "media": {"mime": "image/jpeg", "data": ""}}`},
		{"body over the hard HTTP limit", `{"account": "kkktp", "from": "081234567890", "media": {"mime": "image/jpeg", "filename": "big.jpg", "data": "` + huge + `"}}`},
		{"bad at", `{"account": "kkktp", "from": "081234567890", "text": "halo", "at": "kemarin"}`},
		{"empty message", `{"account": "kkktp", "from": "081234567890"}`},
		{"blank text", `{"account": "kkktp", "from": "081234567890", "text": "   "}`},
		{"missing from", `{"account": "kkktp", "text": "halo"}`},
		{"bad phone", `{"account": "kkktp", "from": "nomor saya", "text": "halo"}`},
		{"office's own number", `{"account": "kkktp", "from": "081100000101", "text": "halo"}`},
		{"group message without sender", `{"account": "kkktp", "from": "` + simGroup + `", "text": "siap"}`},
		{"group of another account", `{"account": "kkktp", "from": "120363000000000102@g.us", "sender": "081299999999", "text": "siap"}`},
		{"unknown group", `{"account": "kkktp", "from": "999@g.us", "from_me": true, "text": "siap"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := api.rowCounts(t)
			sentBefore := len(api.Transport.Sent())
			status, data := api.do(t, http.MethodPost, "/api/sim/messages", tt.body)
			if status < 400 || status >= 500 {
				t.Errorf("status = %d, want 4xx (body %s)", status, data)
			}
			assertJSONError(t, data)
			if got := api.rowCounts(t); !maps.Equal(got, before) {
				t.Errorf("rows = %v after a bad request, want %v", got, before)
			}
			if got := len(api.Transport.Sent()); got != sentBefore {
				t.Errorf("%d deliveries after a bad request, want %d", got, sentBefore)
			}
		})
	}

	t.Run("transcript", func(t *testing.T) {
		for _, q := range []string{"account=paspor&chat=081234567890", "account=kkktp&chat=", "account=kkktp&chat=abc", "account=kkktp&chat=120363000000000102@g.us"} {
			status, data := api.do(t, http.MethodGet, "/api/sim/messages?"+q, "")
			if status < 400 || status >= 500 {
				t.Errorf("GET ?%s = %d, want 4xx", q, status)
			}
			assertJSONError(t, data)
		}
	})

	t.Run("unknown endpoint", func(t *testing.T) {
		status, data := api.do(t, http.MethodGet, "/api/sim/nope", "")
		if status != http.StatusNotFound {
			t.Errorf("status = %d, want 404", status)
		}
		assertJSONError(t, data)
	})
}

// assertJSONError checks that data is {"error": "<something>"}.
func assertJSONError(t *testing.T, data []byte) {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(data, &body); err != nil {
		t.Errorf("body %q is not JSON: %v", data, err)
		return
	}
	msg, ok := body["error"].(string)
	if !ok || msg == "" {
		t.Errorf("body %s, want {\"error\": \"…\"}", data)
	}
}

func TestSimClock(t *testing.T) {
	api := MustSimAPI(t)
	before := api.MustNow(t)
	status, data := api.do(t, http.MethodPost, "/api/sim/clock", `{"advance": "2h30m"}`)
	if status != http.StatusOK {
		t.Fatalf("POST clock = %d %s, want 200", status, data)
	}
	after := parseNow(t, data)
	// The clock keeps running with real time, and "now" has whole seconds.
	if d := after.Sub(before); d < 150*time.Minute || d >= 151*time.Minute {
		t.Errorf("clock moved by %v, want 2h30m", d)
	}
	if _, offset := after.Zone(); offset != 7*3600 {
		t.Errorf("now %v is not in the office's time zone (UTC+7)", after)
	}

	t.Run("stored times follow the clock", func(t *testing.T) {
		ans := api.MustPost(t, map[string]any{"account": simAccount, "from": resident, "text": "halo"})
		lines := api.MustTranscript(t, simAccount, resident)
		if len(lines) == 0 || lines[0].ID != ans.ID {
			t.Fatalf("transcript = %+v", lines)
		}
		at, err := time.Parse(time.RFC3339, lines[0].At)
		if err != nil {
			t.Fatal(err)
		}
		if at.Before(after) || at.Sub(after) >= time.Minute {
			t.Errorf("message at %v, want the simulated time %v", at, after)
		}
	})

	for _, body := range []string{`{"advance": "soon"}`, `{"advance": "-1h"}`, `{"advance": ""}`, `{}`, `not json`, `{"advance": "1h"} x`} {
		t.Run("bad "+body, func(t *testing.T) {
			status, data := api.do(t, http.MethodPost, "/api/sim/clock", body)
			if status != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", status)
			}
			assertJSONError(t, data)
			if d := api.MustNow(t).Sub(after); d >= time.Minute {
				t.Errorf("clock moved by %v after a bad request, want it unchanged", d)
			}
		})
	}
}

func TestSimAccounts(t *testing.T) {
	api := MustSimAPI(t)
	status, data := api.do(t, http.MethodGet, "/api/sim/accounts", "")
	if status != http.StatusOK {
		t.Fatalf("GET accounts = %d %s", status, data)
	}
	var got []struct {
		Key            string   `json:"key"`
		Name           string   `json:"name"`
		Phone          string   `json:"phone"`
		Services       []string `json:"services"`
		OperatorsGroup string   `json:"operators_group"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("accounts %s: %v", data, err)
	}
	if len(got) != 5 {
		t.Fatalf("%d accounts, want 5: %s", len(got), data)
	}
	for i, want := range api.Cfg.Accounts {
		a := got[i]
		if a.Key != want.Key || a.Name != want.Name || a.Phone != want.Phone || a.OperatorsGroup != want.OperatorsGroup ||
			!slices.Equal(a.Services, want.Services) {
			t.Errorf("account %d = %+v, want %+v", i, a, want)
		}
		if a.Key == "" || a.Name == "" || !strings.HasPrefix(a.Phone, "62") || len(a.Services) == 0 || !strings.HasSuffix(a.OperatorsGroup, "@g.us") {
			t.Errorf("account %d = %+v, want every field filled", i, a)
		}
	}
	if got[0].Key != "nik" || got[4].Key != "pengaduan" {
		t.Errorf("accounts %s … %s, want the example's nik … pengaduan", got[0].Key, got[4].Key)
	}
}

func TestSimChats(t *testing.T) {
	api := MustSimAPI(t)
	api.MustPost(t, map[string]any{"account": simAccount, "from": "081234567890", "text": "halo"})
	api.MustPost(t, map[string]any{"account": simAccount, "from": "081200000001", "text": "#antrian"})
	api.MustPost(t, map[string]any{"account": simAccount, "from": "081100000101", "from_me": true, "text": "#antrian"})
	status, data := api.do(t, http.MethodGet, "/api/sim/chats?account="+simAccount, "")
	if status != http.StatusOK {
		t.Fatalf("GET /api/sim/chats = %d %s", status, data)
	}
	var chats []struct {
		Chat, Kind, Name string
		Count            int
	}
	if err := json.Unmarshal(data, &chats); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, c := range chats {
		kinds[c.Chat] = c.Kind
	}
	want := map[string]string{"6281234567890": "resident", "6281200000001": "operator", "6281100000101": "self"}
	for chat, kind := range want {
		if kinds[chat] != kind {
			t.Errorf("chat %s kind = %q, want %q (all: %v)", chat, kinds[chat], kind, kinds)
		}
	}
	if len(chats) == 0 || chats[0].Chat != "6281100000101" {
		t.Errorf("chats = %+v, want the most recent (the office's own chat) first", chats)
	}
	if status, _ := api.do(t, http.MethodGet, "/api/sim/chats?account=paspor", ""); status != http.StatusNotFound {
		t.Errorf("unknown account: status %d, want 404", status)
	}
}
