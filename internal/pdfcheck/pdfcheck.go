// Package pdfcheck tells whether bytes are a whole, plain PDF, for files residents send and the signed
// documents operators attach: one check for both.
package pdfcheck

import (
	"bytes"
	"regexp"
	"strconv"
)

// Whole tells whether data has the structure of a whole PDF: the header, a startxref near
// the end whose offset points at a cross-reference table ("xref") or stream ("N 0 obj"), and
// the %%EOF marker after it; and at most maxPages pages (0: no limit). It is not a parser: it
// refuses what is plainly not a PDF or is cut short (an HTML page with a PDF header, a
// download that stopped halfway), which is what an operator would otherwise open.
func Whole(data []byte, maxPages int) bool {
	if !pdfHeader.Match(data) {
		return false
	}
	tail := data[max(0, len(data)-2048):]
	eof := bytes.LastIndex(tail, []byte("%%EOF"))
	if eof < 0 {
		return false
	}
	m := startXref.FindAllSubmatch(tail[:eof], -1)
	if len(m) == 0 {
		return false
	}
	off, err := strconv.Atoi(string(m[len(m)-1][1]))
	if err != nil || off <= 0 || off >= len(data) {
		return false
	}
	if !bytes.HasPrefix(data[off:], []byte("xref")) && !xrefStream.Match(data[off:min(len(data), off+64)]) {
		return false
	}
	return maxPages <= 0 || pdfPages(data) <= maxPages
}

var (
	pdfHeader  = regexp.MustCompile(`^%PDF-[12]\.[0-9]`)
	startXref  = regexp.MustCompile(`startxref\s+([0-9]{1,12})`)
	xrefStream = regexp.MustCompile(`^\s*[0-9]+\s+[0-9]+\s+obj\b`)
	pageObject = regexp.MustCompile(`/Type\s*/Page[^s]`)
	pageCount  = regexp.MustCompile(`/Type\s*/Pages\b[^>]*?/Count\s+([0-9]+)|/Count\s+([0-9]+)[^>]*?/Type\s*/Pages\b`)
)

// pdfPages is the number of pages a PDF declares: the largest /Count of its page trees, or its
// page objects when more are visible (pages kept in compressed object streams are not seen).
func pdfPages(data []byte) int {
	n := len(pageObject.FindAllIndex(data, -1))
	for _, m := range pageCount.FindAllSubmatch(data, -1) {
		for _, g := range m[1:] {
			if c, err := strconv.Atoi(string(g)); err == nil && c > n {
				n = c
			}
		}
	}
	return n
}
