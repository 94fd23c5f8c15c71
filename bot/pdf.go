package bot

import "github.com/ketanmu/ketanmu/internal/pdfcheck"

// checkPDF tells whether data is a whole PDF of at most maxPages pages (0: no limit).
func checkPDF(data []byte, maxPages int) bool { return pdfcheck.Whole(data, maxPages) }
