package pdfcheck

import (
	"bytes"
	"testing"

	"github.com/ketanmu/ketanmu/internal/testpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// TestPDFProblems: the parser refuses each hostile PDF for its own reason, and takes a plain
// scanned document.
func TestPDFProblems(t *testing.T) {
	embedded := testpdf.Doc{Pages: 1, Catalog: "/Names << /EmbeddedFiles 3 0 R >>", Objects: []string{
		"<< /Names [(data.txt) 4 0 R] >>",
		"<< /Type /Filespec /F (data.txt) /EF << /F 5 0 R >> >>",
		"<< /Type /EmbeddedFile /Length 5 >>\nstream\nhello\nendstream",
	}}.Bytes()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"scanned, 3 pages", testpdf.PDF(3), ""},
		{"3 pages in object streams", testpdf.Doc{Pages: 3, ObjectStreams: true}.Bytes(), ""},
		{"OpenAction JavaScript", testpdf.Doc{Pages: 1, Catalog: "/OpenAction 3 0 R",
			Objects: []string{"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>"}}.Bytes(), pdfJavaScript},
		{"page action JavaScript in object streams", testpdf.Doc{Pages: 2, ObjectStreams: true, Catalog: "/OpenAction 3 0 R",
			Objects: []string{"<< /S /JavaScript /JS 4 0 R >>", "<< /Length 11 >>\nstream\napp.alert()\nendstream"}}.Bytes(), pdfJavaScript},
		{"Launch action", testpdf.Doc{Pages: 1, Catalog: "/OpenAction 3 0 R",
			Objects: []string{"<< /Type /Action /S /Launch /F (cmd.exe) >>"}}.Bytes(), pdfLaunch},
		{"embedded file", embedded, pdfEmbedded},
		{"500 pages in object streams", testpdf.Doc{Pages: 500, ObjectStreams: true}.Bytes(), pdfTooLong},
		{"truncated", testpdf.PDF(3)[:300], pdfTruncated},
		{"truncated in object streams", testpdf.Doc{Pages: 3, ObjectStreams: true}.Bytes()[:400], pdfTruncated},
		{"not a pdf after its header", []byte("%PDF-1.4\n<html><script>alert(1)</script></html>"), pdfTruncated},
		{"encrypted", encryptPDF(t, testpdf.PDF(3)), pdfEncrypted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Problem(tc.data, 20); got != tc.want {
				t.Errorf("Problem = %q, want %q", got, tc.want)
			}
			if got := Plain(tc.data, 20); got != (tc.want == "") {
				t.Errorf("Plain = %v, want %v", got, tc.want == "")
			}
		})
	}
}

func encryptPDF(t *testing.T, data []byte) []byte {
	t.Helper()
	disablePDFConfig.Do(api.DisableConfigDir)
	var out bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(data), &out, model.NewAESConfiguration("", "owner-secret", 256)); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
