package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRetentionErasesFiles plays a whole case through the simulator (a resident applies with a
// NIK, a name, an address and photos; an operator replies, notes and closes it), moves the
// simulator's clock past retention.after_close, and then searches the database files byte by
// byte: the NIK, the name and the address are nowhere, the document answers 410 Gone, and the
// case shows it as erased.
func TestRetentionErasesFiles(t *testing.T) {
	api := MustCasesAPI(t, apiToken)
	const (
		from    = "081234567890"
		nikNo   = "3516085507900001"
		name    = "Siti Aminah"
		address = "Jl. Raya Sooko No. 12 RT 02 RW 05"
	)
	post := func(msg map[string]any) { api.post(t, msg) }
	sitiApplies(t, post, from, nikNo, name, address, "KTP hilang waktu di pasar, atas nama "+name+" NIK "+nikNo)
	post(map[string]any{"account": "kkktp", "from": from, "text": "ya"})
	var number string
	if err := api.DB.SQL().QueryRow(`SELECT number FROM cases ORDER BY id DESC LIMIT 1`).Scan(&number); err != nil {
		t.Fatalf("no case: %v", err)
	}
	path := "/api/cases/" + number
	api.MustCall(t, http.StatusOK, http.MethodPost, path+"/reply",
		fmt.Sprintf(`{"text": "Bu %s, alamat %s sudah kami catat.", "actor": "Rina"}`, name, address), nil)
	for stage := ""; stage != "done"; {
		var c apiCase
		api.MustCall(t, http.StatusOK, http.MethodGet, path, "", &c)
		next := "done"
		if !slices.Contains(c.Allowed, next) {
			i := slices.IndexFunc(c.Allowed, func(s string) bool { return s != "needs_fix" && s != "rejected" })
			if i < 0 {
				t.Fatalf("case in %s cannot move on: allowed %v", c.Stage, c.Allowed)
			}
			next = c.Allowed[i]
		}
		api.MustCall(t, http.StatusOK, http.MethodPost, path+"/transition",
			fmt.Sprintf(`{"to": %q, "actor": "Rina", "tracking": "P2611250001", "reason": "untuk %s"}`, next, name), &c)
		stage = c.Stage
	}
	(&simAPI{api.simEnv}).MustOutboxIdle(t)
	var before apiCase
	api.MustCall(t, http.StatusOK, http.MethodGet, path, "", &before)
	if len(before.Documents) != 2 {
		t.Fatalf("documents = %+v, want 2", before.Documents)
	}
	files := []string{"ketanmu.db", "ketanmu.db-wal"}
	const tracking = "P2611250001" // a parcel's number names the resident's delivery too
	if hits := grepFiles(t, api.Cfg.Storage.DataDir, files, nikNo, name, address, tracking); len(hits) == 0 {
		t.Fatal("the personal data is not in the files before the purge: the search would prove nothing")
	}

	advance := api.Cfg.Retention.AfterClose + 24*time.Hour
	status, _, data := api.call(t, http.MethodPost, "/api/sim/clock", fmt.Sprintf(`{"advance": %q}`, advance.String()),
		"Content-Type", "application/json")
	if status != http.StatusOK {
		t.Fatalf("advance clock = %d %s", status, data)
	}

	if hits := grepFiles(t, api.Cfg.Storage.DataDir, files, nikNo, name, address, tracking); len(hits) > 0 {
		t.Errorf("personal data left in the database files after retention: %s", strings.Join(hits, "; "))
	}
	var after struct {
		NIK       string            `json:"nik"`
		Name      string            `json:"name"`
		Details   map[string]string `json:"details"`
		Documents []struct {
			ID     int64 `json:"id"`
			Erased bool  `json:"erased"`
		} `json:"documents"`
	}
	api.MustCall(t, http.StatusOK, http.MethodGet, path, "", &after)
	if after.NIK == nikNo || after.Name != "" || after.Details["address"] != "" {
		t.Errorf("case after retention = nik %q name %q details %v, want them erased", after.NIK, after.Name, after.Details)
	}
	for _, d := range after.Documents {
		if !d.Erased {
			t.Errorf("document %d is not shown as erased", d.ID)
		}
		status, _, data := api.call(t, http.MethodGet, fmt.Sprintf("%s/documents/%d", path, d.ID), "")
		if status != http.StatusGone {
			t.Errorf("GET document %d = %d %s, want 410", d.ID, status, data)
		}
		assertJSONError(t, data)
	}
	// The workspace answers from the same table: 410, and the case page says why.
	ops := newOpsClient(t, api.URL)
	ops.mustLogin(t, kadis)
	if status, page, _ := ops.get(t, "/ops/cases/"+number); status != http.StatusOK || !strings.Contains(page, "dihapus sesuai masa simpan") {
		t.Errorf("case page after retention = %d, without \"dihapus sesuai masa simpan\":\n%.400s", status, page)
	}
	for _, d := range after.Documents {
		status, page, _ := ops.get(t, fmt.Sprintf("/ops/cases/%s/documents/%d", number, d.ID))
		if status != http.StatusGone || !strings.Contains(page, "dihapus sesuai masa simpan") {
			t.Errorf("workspace document %d = %d, want 410 with \"dihapus sesuai masa simpan\":\n%.400s", d.ID, status, page)
		}
	}
	status, _, data = api.call(t, http.MethodGet, "/api/sim/messages?account=kkktp&chat="+from, "")
	if status != http.StatusOK || bytes.Contains(data, []byte(nikNo)) || bytes.Contains(data, []byte(name)) ||
		bytes.Contains(data, []byte(address)) {
		t.Errorf("transcript after retention = %d, still holding personal data:\n%.600s", status, data)
	}
	var lines []json.RawMessage
	if err := json.Unmarshal(data, &lines); err != nil || len(lines) == 0 {
		t.Errorf("transcript after retention = %s, want the messages kept (without their text)", data)
	}
}

// grepFiles searches the named files of dir for each needle and lists the hits.
func grepFiles(tb testing.TB, dir string, files []string, needles ...string) []string {
	tb.Helper()
	var hits []string
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil && !os.IsNotExist(err) {
			tb.Fatal(err)
		}
		for _, n := range needles {
			if c := bytes.Count(data, []byte(n)); c > 0 {
				hits = append(hits, fmt.Sprintf("%q %d× in %s", n, c, f))
			}
		}
	}
	return hits
}

// sitiApplies plays a resident's lost-KTP application by post up to its summary, which repeats
// the NIK, the name and the address; note is what she writes for the officer. post sends one
// message through the simulator.
func sitiApplies(t testing.TB, post func(map[string]any), from, nikNo, name, address, note string) {
	t.Helper()
	say := func(text string, photo ...string) {
		msg := map[string]any{"account": "kkktp", "from": from, "text": text}
		if len(photo) > 0 {
			msg["media"] = map[string]string{"mime": "image/jpeg", "filename": photo[0],
				"data": base64.StdEncoding.EncodeToString(documentJPEG(t, photo[0]))}
		}
		post(msg)
	}
	say("Assalamualaikum, ktp saya hilang")
	say("6")
	say(nikNo)
	say(name)
	say("ini kk nya", "kk-siti.jpg")
	say("surat kehilangan dari polsek", "laporan-polisi.jpg")
	say(note)
	say("2")
	say(address)
	say("kec. sokko")
	say("Sooko")
	say("61361")
}
