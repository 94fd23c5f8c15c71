package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/internal/testpdf"
	"github.com/ketanmu/ketanmu/store"
)

// upload posts data as the multipart field "file" to path with the API token.
func (a *casesAPI) upload(tb testing.TB, path string, data []byte) (int, []byte) {
	tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "hasil-tte.pdf")
	if err != nil {
		tb.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	status, _, answer := a.call(tb, http.MethodPost, path, body.String(), "Content-Type", mw.FormDataContentType())
	return status, answer
}

// transcriptOut waits until the chat's transcript holds an outgoing document message with
// text containing want, and returns it.
func (a *casesAPI) transcriptOut(tb testing.TB, chat, want string, n int) simLine {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, _, data := a.call(tb, http.MethodGet, "/api/sim/messages?"+url.Values{"account": {"kkktp"}, "chat": {chat}}.Encode(), "")
		if status != http.StatusOK {
			tb.Fatalf("transcript = %d %s", status, data)
		}
		var lines []simLine
		if err := json.Unmarshal(data, &lines); err != nil {
			tb.Fatal(err)
		}
		var found []simLine
		for _, l := range lines {
			if l.Direction == "out" && l.Media != nil && strings.Contains(l.Text, want) {
				found = append(found, l)
			}
		}
		if len(found) >= n {
			return found[n-1]
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no document message %d with %q in the transcript: %s", n, want, data)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOutputPDFThroughTheSimulator plays the whole PDF delivery as tools outside the project
// would: a resident chooses "PDF lewat WhatsApp" through POST /api/sim/messages, the operator
// uploads the signed PDF with POST /api/cases/{number}/output, and the resident's transcript
// holds it as a document message whose file is the uploaded one, byte for byte; the case is
// done, the file is stored encrypted and audited, and "kirim ulang" sends it again.
func TestOutputPDFThroughTheSimulator(t *testing.T) {
	a := MustCasesAPI(t, "sim")
	from := "081234567811"
	chat := casePhone(t, from)
	number := a.mustApplyForPDF(t, from)
	say := func(text string) { a.post(t, map[string]any{"account": "kkktp", "from": from, "text": text}) }
	signed := testpdf.PDF(2)

	// Before the document is made: refused, nothing stored.
	if status, body := a.upload(t, "/api/cases/"+number+"/output", signed); status != http.StatusConflict {
		t.Fatalf("output at submitted = %d %s, want 409", status, body)
	}
	for _, to := range []string{"verifying", "in_production"} {
		a.MustCall(t, http.StatusOK, http.MethodPost, "/api/cases/"+number+"/actions", `{"action":"move","to":"`+to+`"}`, nil)
	}
	// Closing without the PDF is refused; a file that is not a PDF is refused.
	a.MustCall(t, http.StatusConflict, http.MethodPost, "/api/cases/"+number+"/actions", `{"action":"move","to":"done"}`, nil)
	if status, body := a.upload(t, "/api/cases/"+number+"/output", []byte("<html>not a pdf</html>")); status != http.StatusBadRequest {
		t.Fatalf("output of HTML = %d %s, want 400", status, body)
	}

	status, body := a.upload(t, "/api/cases/"+number+"/output", signed)
	if status != http.StatusOK {
		t.Fatalf("output = %d %s", status, body)
	}
	var got struct{ Stage string }
	if err := json.Unmarshal(body, &got); err != nil || got.Stage != "done" {
		t.Fatalf("case after output = %s (%v), want stage done", body, err)
	}
	line := a.transcriptOut(t, chat, number, 1)
	if line.Media.Mime != "application/pdf" || line.Media.Filename != number+".pdf" {
		t.Errorf("document message media = %+v, want application/pdf %s.pdf", *line.Media, number)
	}
	mustSameFile(t, a, line.Media.URL, signed)

	// Stored encrypted with the case, and audited.
	var sealed []byte
	if err := a.DB.SQL().QueryRow(`SELECT m.data FROM case_documents d JOIN media m ON m.id = d.media_id
		JOIN cases c ON c.id = d.case_id WHERE c.number = ? AND d.doc_key = ?`, number, store.OutputKey).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("%PDF")) {
		t.Error("the PDF is stored in the clear")
	}
	var audits int
	if err := a.DB.SQL().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'output'`).Scan(&audits); err != nil || audits != 1 {
		t.Errorf("audit rows for the output = %d (%v), want 1", audits, err)
	}

	say("kirim ulang")
	again := a.transcriptOut(t, chat, "dikirim ulang", 1)
	if again.ID == line.ID {
		t.Fatal("kirim ulang found the first message")
	}
	mustSameFile(t, a, again.Media.URL, signed)

	// After retention erased it: the resident learns when it was sent and that it is gone.
	res, err := http.Post(a.URL+"/api/sim/clock", "application/json", strings.NewReader(`{"advance": "9600h"}`))
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("advance the clock: %v %v", res, err)
	}
	res.Body.Close()
	say("kirim ulang")
	var last simLine
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		_, _, data := a.call(t, http.MethodGet, "/api/sim/messages?"+url.Values{"account": {"kkktp"}, "chat": {chat}}.Encode(), "")
		var lines []simLine
		if err := json.Unmarshal(data, &lines); err != nil {
			t.Fatal(err)
		}
		if last = lines[len(lines)-1]; last.Direction == "out" && strings.Contains(last.Text, "sudah dihapus") {
			break
		}
	}
	if last.Media != nil || !strings.Contains(last.Text, number) || !strings.Contains(last.Text, "sudah dihapus") {
		t.Errorf("kirim ulang after retention answered %q (media %+v), want when it was sent and that it is erased", last.Text, last.Media)
	}
}

func mustSameFile(t *testing.T, a *casesAPI, path string, want []byte) {
	t.Helper()
	res, err := http.Get(a.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %v", path, res.StatusCode, err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("GET %s: %d bytes that differ from the %d uploaded", path, len(data), len(want))
	}
}

// mustApplyForPDF plays a resident applying for a damaged KK, to be received as the signed PDF
// in the chat, and returns the case number.
func (a *casesAPI) mustApplyForPDF(t *testing.T, from string) string {
	t.Helper()
	chat := casePhone(t, from)
	say := func(text string) { a.post(t, map[string]any{"account": "kkktp", "from": from, "text": text}) }
	for _, text := range []string{"halo", "4", "3516131204850003", "Budi Santoso"} {
		say(text)
	}
	for _, caption := range []string{"kk", "ktp"} {
		a.post(t, map[string]any{"account": "kkktp", "from": from, "text": caption, "media": map[string]string{
			"mime": "image/jpeg", "filename": caption + ".jpg", "data": base64.StdEncoding.EncodeToString(documentJPEG(t, from+caption))}})
	}
	for _, text := range []string{"tidak", "3", "ya"} {
		say(text)
	}
	var number, delivery string
	if err := a.DB.SQL().QueryRow(`SELECT number, json_extract(details, '$.delivery') FROM cases WHERE chat = ?`, chat).
		Scan(&number, &delivery); err != nil {
		t.Fatalf("no case: %v", err)
	}
	if delivery != "elektronik" {
		t.Fatalf("delivery = %q, want elektronik", delivery)
	}
	return number
}

// TestOutputPDFFromTheCasePage: the case page offers the upload once the document is made; the
// upload needs the session's CSRF token inside the multipart form, and closes the case.
func TestOutputPDFFromTheCasePage(t *testing.T) {
	a := MustCasesAPI(t, "sim")
	number := a.mustApplyForPDF(t, "081234567812")
	c := newOpsClient(t, a.URL)
	c.mustLogin(t, rina)
	if _, body, _ := c.get(t, "/ops/cases/"+number); strings.Contains(body, "form-output") {
		t.Fatal("the upload is offered before the document is made")
	}
	for _, to := range []string{"verifying", "in_production"} {
		a.MustCall(t, http.StatusOK, http.MethodPost, "/api/cases/"+number+"/actions", `{"action":"move","to":"`+to+`"}`, nil)
	}
	if status, body, _ := c.get(t, "/ops/cases/"+number); status != http.StatusOK || !strings.Contains(body, "form-output") {
		t.Fatalf("case page = %d, want the upload form:\n%.500s", status, body)
	}
	upload := func(csrf string) (int, http.Header) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		if csrf != "" {
			mw.WriteField("csrf", csrf)
		}
		fw, _ := mw.CreateFormFile("file", "hasil.pdf")
		fw.Write(testpdf.PDF(1))
		mw.Close()
		req, err := http.NewRequest(http.MethodPost, a.URL+"/ops/cases/"+number+"/output", &body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		status, _, header := c.do(t, req)
		return status, header
	}
	if status, _ := upload(""); status != http.StatusForbidden {
		t.Errorf("upload without the CSRF token = %d, want 403", status)
	}
	if status, header := upload(c.csrf); status != http.StatusSeeOther || !strings.Contains(header.Get("Location"), "ok=output") {
		t.Fatalf("upload = %d (%s), want 303 to the case page", status, header.Get("Location"))
	}
	var stage string
	if err := a.DB.SQL().QueryRow(`SELECT stage FROM cases WHERE number = ?`, number).Scan(&stage); err != nil || stage != "done" {
		t.Errorf("stage after the upload = %q (%v), want done", stage, err)
	}
}

// A case without a document to hand over (a complaint) and a closed case refuse the PDF in a
// sentence operators read, never a text key.
func TestOutputRefusalsReadable(t *testing.T) {
	a := MustCasesAPI(t, "sim")
	a.MustCases(t, 1, []string{"pengaduan"}, []string{"verifying"}, []string{apiResident})
	var number string
	if err := a.DB.SQL().QueryRow(`SELECT number FROM cases`).Scan(&number); err != nil {
		t.Fatal(err)
	}
	status, body := a.upload(t, "/api/cases/"+number+"/output", testpdf.PDF(1))
	if status != http.StatusConflict || bytes.Contains(body, []byte("_short")) || bytes.Contains(body, []byte("[")) ||
		!bytes.Contains(body, []byte("tidak punya dokumen hasil")) {
		t.Errorf("output to a complaint = %d %s, want 409 saying it has no document", status, body)
	}
}
