package flows_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
)

// FuzzStep drives Engine.Step with a saved state and a sequence of inputs decoded from the fuzz
// bytes: any step string, any draft, texts from a dictionary or raw bytes, every message kind,
// media with odd metadata, clock jumps past the idle timeout. Whatever comes in, a step must not
// panic, must answer (a resident never meets silence), must not show a text key or an unfilled
// placeholder, and must return a state that survives the JSON round trip the router makes.
func FuzzStep(f *testing.F) {
	cfg, err := config.Load("")
	if err != nil {
		f.Fatal(err)
	}
	engine := flows.New(cfg.FlowOptions())
	for _, seed := range fuzzSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src := &fuzzSource{b: data}
		st, typed := fuzzState(t, src)
		acc := cfg.Accounts[src.n(len(cfg.Accounts))]
		now := time.Date(2026, 11, 23, 0, 0, 0, 0, cfg.Office.Location).Add(time.Duration(src.u16()) * 10 * time.Minute)
		cases := fuzzCases(src, now)
		for i := 0; i < 16 && src.more(); i++ {
			in := fuzzInput(src, i)
			typed = append(typed, in.Text)
			env := flows.Env{Now: now, Account: acc.Flow(), Cases: cases}
			res := engine.Step(env, st, in)
			if len(res.Replies) == 0 {
				t.Fatalf("step %d: no reply to %+v in state %+v", i, in, st)
			}
			checkReplies(t, i, res, typed)
			st = roundTrip(t, res.State)
			for _, eff := range res.Effects {
				if nc, ok := eff.(flows.NewCase); ok {
					cases = append([]flows.CaseInfo{{Number: fmt.Sprintf("KTP-261125-%04d", 100+i), Service: nc.Service,
						Subtype: nc.Subtype, Stage: "submitted", CreatedAt: now, Due: nc.Due}}, cases...)
				}
			}
			now = now.Add(time.Duration(src.n(256)) * time.Duration(src.n(8)+1) * time.Minute)
		}
	})
}

var (
	textKeyMarker = regexp.MustCompile(`\[[a-z]+(_[a-z0-9]+)+\]`)
	placeholder   = regexp.MustCompile(`\{[a-z_]+\}`)
)

// checkReplies rejects empty replies, texts missing from the config ("[key]") and placeholders
// left unfilled, unless the resident typed them. {number} is the router's to fill.
func checkReplies(t *testing.T, step int, res flows.Result, typed []string) {
	t.Helper()
	fromResident := func(s string) bool {
		for _, in := range typed {
			if strings.Contains(in, s) {
				return true
			}
		}
		return false
	}
	for _, r := range res.Replies {
		if strings.TrimSpace(r) == "" {
			t.Fatalf("step %d: empty reply in %q", step, res.Replies)
		}
		for _, m := range textKeyMarker.FindAllString(r, -1) {
			if !fromResident(m) {
				t.Fatalf("step %d: reply shows a missing text %s: %q", step, m, r)
			}
		}
		for _, m := range placeholder.FindAllString(r, -1) {
			if m != "{number}" && !fromResident(m) {
				t.Fatalf("step %d: reply has an unfilled placeholder %s: %q", step, m, r)
			}
		}
	}
}

// roundTrip stores and loads the state as the router does: the loaded state must store as the
// same JSON document (compared decoded: invalid UTF-8 is escaped once, then written as U+FFFD).
func roundTrip(t *testing.T, st flows.State) flows.State {
	t.Helper()
	first, err := json.Marshal(st)
	if err != nil {
		t.Fatalf("marshal state %+v: %v", st, err)
	}
	var back flows.State
	if err := json.Unmarshal(first, &back); err != nil {
		t.Fatalf("unmarshal state %s: %v", first, err)
	}
	second, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(first, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(second, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("state changed in a JSON round trip:\n%s\n%s", first, second)
	}
	if back.Step != st.Step && utf8.ValidString(st.Step) {
		t.Fatalf("step %q came back as %q", st.Step, back.Step)
	}
	return back
}

// fuzzSource hands out the fuzz bytes as choices; when they run out every choice is 0.
type fuzzSource struct{ b []byte }

func (s *fuzzSource) more() bool { return len(s.b) > 0 }

func (s *fuzzSource) byte() byte {
	if len(s.b) == 0 {
		return 0
	}
	c := s.b[0]
	s.b = s.b[1:]
	return c
}

func (s *fuzzSource) n(max int) int { return int(s.byte()) % max }
func (s *fuzzSource) u16() int      { return int(s.byte())<<8 | int(s.byte()) }
func (s *fuzzSource) bool() bool    { return s.byte()&1 == 1 }

func (s *fuzzSource) pick(list []string) string { return list[s.n(len(list))] }

// raw takes up to max bytes as they are (possibly invalid UTF-8).
func (s *fuzzSource) raw(max int) string {
	n := min(s.n(max+1), len(s.b))
	out := string(s.b[:n])
	s.b = s.b[n:]
	return out
}

// str is a dictionary word most of the time, raw bytes otherwise.
func (s *fuzzSource) str(dict []string) string {
	switch s.n(4) {
	case 0:
		return s.raw(40)
	case 1:
		return s.pick(dict) + " " + s.pick(dict)
	}
	return s.pick(dict)
}

var (
	fuzzServices = []string{"kk_ktp", "pindah_datang", "akta", "validasi_nik", "pengaduan", "info", "status", "", "zzz"}
	fuzzSteps    = []string{"", "resume", "existing@kk_ktp", "existing@", "info@topic", "fix@items",
		"subtype", "reason", "nik", "name", "docs", "notes", "delivery", "address", "desa", "kecamatan",
		"postal", "confirm", "edit", "category", "description", "photo", "topic", "nonsense", "@", "",
		"f_child_name", "f_child_birth_date", "f_father_name", "f_movers", "f_move_within", "f_move_reason",
		"f_join_household", "f_host_kk", "f_deceased_nik", "f_zzz", "f_"}
	fuzzWords = []string{"", " ", "1", "2", "3", "4", "5", "6", "7", "9", "0", "-1", "99999999999999999999",
		"menu", "batal", "kembali", "petugas", "bantuan", "ya", "ubah", "tidak", "baru", "lanjut", "cek",
		"status", "info", "nama", "dokumen", "pengambilan", "ambil", "pos", "kirim", "selesai", "skip",
		"3516131204850003", "3516085507900001", "351613120485000", "3516133102850003", "3516131204850000",
		"KTP-261125-0001", "status ktp-261125-0100", "NIK-261125-0001", "Budi Santoso", "Sooko", "sokko",
		"kec. mojosari", "61361", "01234", "Jl. Raya Sooko No. 12 RT 02 RW 05", "ktp hilang", "akte lahir",
		"layang pindah", "nik tidak terdaftar", "pungli", "terima kasih", "🙏", "p", "halo", "kk", "ktp",
		"surat kehilangan", "buku nikah", "skpwni", "lampiran", "12-04-2026", "31/02/2026", "3 November 2026",
		"3516131204850003, 3516135508900004", "tidak ada", "ubah nama ayah", "ubah pindah dalam kabupaten", "{number}", "[ask_nik]", "*_~", "\x00",
		strings.Repeat("a", 300), "Ｍｅｎｕ", "BATAL!!", "kembali.", "1.", " 2 "}
	fuzzKinds = []ketanmu.Kind{ketanmu.KindText, ketanmu.KindText, ketanmu.KindText, ketanmu.KindImage,
		ketanmu.KindDocument, ketanmu.KindUnsupported, "", "weird"}
	fuzzMimes   = []string{"image/jpeg", "image/png", "application/pdf", "application/zip", "image/webp", "", "text/plain"}
	fuzzUnsup   = []string{"sticker", "voice", "audio", "video", "location", "contact", "poll", "too_large", "", "???"}
	fuzzStages  = []string{"submitted", "verifying", "needs_fix", "in_production", "shipped", "delivered", "done", "rejected", "ready_for_pickup"}
	fuzzDocKeys = []string{"kk", "ktp_el", "surat_kehilangan", "skpwni", "lampiran", "", "zzz"}
)

// fuzzState builds a saved state as JSON (so that fields the test does not know, such as an
// operator's fix request, can be set too) and loads it as the router does. It also returns the
// free texts it put in, which replies may quote.
func fuzzState(t *testing.T, s *fuzzSource) (flows.State, []string) {
	var free []string
	m := map[string]any{"greeted": s.n(8) != 0}
	service := s.pick(fuzzServices)
	step := s.pick(fuzzSteps)
	if !strings.ContainsAny(step, "@") && step != "" && step != "resume" && s.n(4) != 0 {
		step = service + "@" + step
	}
	if s.n(8) == 0 {
		step = s.raw(12)
	}
	m["step"] = step
	if s.n(4) != 0 {
		draft := map[string]any{"service": service, "subtype": s.pick([]string{"", "kk_baru", "ktp_hilang",
			"ktp_rekam", "akta_kelahiran", "akta_kematian", "pindah_keluar", "pindah_datang", "zzz"}), "paused": s.pick(fuzzSteps),
			"editing": s.bool(), "delivery": s.pick([]string{"", "pickup", "post", "zzz"})}
		if s.bool() {
			draft["nik"], draft["name"] = "3516131204850003", "Budi Santoso"
		}
		var docs []map[string]any
		for range s.n(4) {
			docs = append(docs, map[string]any{"Key": s.pick(fuzzDocKeys), "MessageID": "M" + s.raw(3), "SHA256": s.pick([]string{"a", "b", "c"})})
		}
		draft["docs"] = docs
		if s.bool() {
			draft["fields"] = map[string]string{s.pick([]string{"move_within", "join_household", "child_name", "zzz"}): s.pick([]string{"ya", "tidak", "", "x"})}
		}
		m["draft"] = draft
	}
	if s.n(4) == 0 {
		what := s.str(fuzzWords)
		free = append(free, what)
		// None (a fix asked in words), one, or several documents: "{done} of {total}" needs several.
		docs := []string{}
		for range s.n(4) {
			docs = append(docs, s.pick(fuzzDocKeys))
		}
		m["fix"] = map[string]any{"number": "KTP-261125-0001", "service": service, "what": what,
			"docs": docs, "prev": s.pick(fuzzSteps)}
	}
	if s.bool() {
		m["last_active"] = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var st flows.State
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatalf("state %s: %v", raw, err)
	}
	return st, free
}

func fuzzCases(s *fuzzSource, now time.Time) []flows.CaseInfo {
	var cases []flows.CaseInfo
	for i := range s.n(4) {
		c := flows.CaseInfo{Number: fmt.Sprintf("KTP-261125-%04d", i+1), Service: s.pick(fuzzServices),
			Subtype: s.pick([]string{"", "kk_baru", "zzz"}), Stage: ketanmu.Stage(s.pick(fuzzStages)), CreatedAt: now.Add(-time.Hour),
			Queue: s.n(3)}
		if s.bool() {
			c.Due = now.Add(72 * time.Hour)
		}
		for range s.n(3) {
			c.History = append(c.History, flows.CaseEvent{Stage: ketanmu.Stage(s.pick(fuzzStages)), At: now, Reason: s.pick(fuzzWords[:40])})
		}
		cases = append(cases, c)
	}
	return cases
}

func fuzzInput(s *fuzzSource, i int) flows.Input {
	in := flows.Input{ID: fmt.Sprintf("IN%d", i), Kind: fuzzKinds[s.n(len(fuzzKinds))], Text: s.str(fuzzWords)}
	switch in.Kind {
	case ketanmu.KindImage, ketanmu.KindDocument:
		if s.n(8) != 0 {
			sizes := []int{0, 1, 479, 480, 640, 1200, 100000, -5}
			in.Media = &flows.Media{Mime: s.pick(fuzzMimes), Filename: s.raw(8), Size: int64(s.u16()) * int64(s.u16()),
				SHA256: s.pick([]string{"a", "b", "c", "d", ""}), Width: sizes[s.n(len(sizes))], Height: sizes[s.n(len(sizes))],
				Readable: s.n(4) != 0}
		}
	case ketanmu.KindUnsupported:
		in.Unsupported = s.pick(fuzzUnsup)
	}
	return in
}

// fuzzSeeds start the corpus with a few plausible conversations.
func fuzzSeeds() [][]byte {
	return [][]byte{
		{},
		{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 13},
		{1, 0, 6, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 3, 0, 1, 2, 3, 3, 0, 1, 1, 1, 4, 4, 200},
		[]byte("\x01\x03\x0a\x01\x02\x00\x01\x00\x00\x01\x00\x00\x00\x00\x00\x04\x03\x01\x02\x03\x04\x05\x06\x07"),
		[]byte("any bytes at all: menu batal kembali 3516131204850003 ya"),
	}
}
