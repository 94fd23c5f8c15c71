// Package testpdf builds PDFs for tests: plain scanned-like documents and hostile variants.
package testpdf

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"strings"
)

// Doc is a PDF of blank pages to build hostile variants from: extra catalog entries (an
// /OpenAction, /Names with embedded files) and extra objects, numbered 3, 4, … in order; with
// ObjectStreams the page tree and its pages sit in one compressed object stream behind a
// cross-reference stream (PDF 1.5), where no text search sees them.
type Doc struct {
	Pages         int
	Catalog       string
	Objects       []string
	ObjectStreams bool
}

// Bytes writes the document.
func (d Doc) Bytes() []byte {
	first := 3 + len(d.Objects) // the first page's object number
	kids := make([]string, d.Pages)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", first+i)
	}
	tree := fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), d.Pages)
	page := "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>"
	var b bytes.Buffer
	offsets := map[int]int{}
	obj := func(n int, body string) {
		offsets[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	if !d.ObjectStreams {
		b.WriteString("%PDF-1.4\n")
		obj(1, "<< /Type /Catalog /Pages 2 0 R "+d.Catalog+" >>")
		obj(2, tree)
		for i, o := range d.Objects {
			obj(3+i, o)
		}
		for i := range d.Pages {
			obj(first+i, page)
		}
		size := first + d.Pages
		xref := b.Len()
		fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", size)
		for n := 1; n < size; n++ {
			fmt.Fprintf(&b, "%010d 00000 n \n", offsets[n])
		}
		fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", size, xref)
		return b.Bytes()
	}
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	obj(1, "<< /Type /Catalog /Pages 2 0 R "+d.Catalog+" >>")
	for i, o := range d.Objects {
		obj(3+i, o)
	}
	// The object stream: the page tree (index 0) and every page.
	stm := first + d.Pages
	var head, body strings.Builder
	inStream := append([]int{2}, make([]int, d.Pages)...)
	for i := range d.Pages {
		inStream[i+1] = first + i
	}
	for i, n := range inStream {
		fmt.Fprintf(&head, "%d %d ", n, body.Len())
		if i == 0 {
			body.WriteString(tree + "\n")
		} else {
			body.WriteString(page + "\n")
		}
	}
	packed := deflate([]byte(head.String() + body.String()))
	offsets[stm] = b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n",
		stm, len(inStream), head.Len(), len(packed))
	b.Write(packed)
	b.WriteString("\nendstream\nendobj\n")
	// The cross-reference stream: type 1 (offset) or 2 (object stream, index) for each object.
	xrefNr := stm + 1
	size := xrefNr + 1
	offsets[xrefNr] = b.Len()
	var rows bytes.Buffer
	row := func(typ byte, a uint32, c uint16) {
		rows.WriteByte(typ)
		binary.Write(&rows, binary.BigEndian, a)
		binary.Write(&rows, binary.BigEndian, c)
	}
	index := map[int]int{}
	for i, n := range inStream {
		index[n] = i
	}
	row(0, 0, 0xFFFF)
	for n := 1; n < size; n++ {
		if i, ok := index[n]; ok {
			row(2, uint32(stm), uint16(i))
		} else {
			row(1, uint32(offsets[n]), 0)
		}
	}
	packed = deflate(rows.Bytes())
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n",
		xrefNr, size, len(packed))
	b.Write(packed)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", offsets[xrefNr])
	return b.Bytes()
}

func deflate(data []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(data)
	w.Close()
	return z.Bytes()
}

// PDF is a well-formed PDF of pages blank pages with a correct cross-reference table.
func PDF(pages int) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n")
	kids := make([]string, pages)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", i+3)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages))
	for range pages {
		obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}
