package bot

import "github.com/ketanmu/ketanmu/internal/pdfcheck"

// checkPDF tells whether data is a whole, plain PDF of at most maxPages pages (0: no limit):
// the cheap structure check first, then the parser, one file at a time like image decodes.
func checkPDF(data []byte, maxPages int) bool {
	if !pdfcheck.Whole(data, maxPages) {
		return false // refused without parsing
	}
	mediaSlots <- struct{}{}
	defer func() { <-mediaSlots }()
	return pdfcheck.Problem(data, maxPages) == ""
}
