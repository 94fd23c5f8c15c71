package pdfcheck

import (
	"bytes"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// A PDF is read by a real parser (pdfcpu): the cross-reference table or stream, object streams
// and the page tree, validated in pdfcpu's relaxed mode (what phone scanner apps write passes).
// An operator opens these files, so a PDF that could act (JavaScript, a launch action, an
// embedded file, a form with scripts) is refused, whatever else it holds.

// Why Problem refuses a PDF.
const (
	pdfUnparsable = "unparsable"
	pdfTruncated  = "truncated"
	pdfEncrypted  = "encrypted"
	pdfTooLong    = "too_many_pages"
	pdfJavaScript = "javascript"
	pdfLaunch     = "launch"
	pdfEmbedded   = "embedded_file"
	pdfActive     = "active_content"
)

var disablePDFConfig sync.Once

// Problem checks data's structure (Whole), parses it and returns why it is refused, or ""
// for a plain document of at most maxPages pages (0: no limit).
func Problem(data []byte, maxPages int) (problem string) {
	// pdfcpu would otherwise read and write a config folder under the user's home.
	disablePDFConfig.Do(api.DisableConfigDir)
	defer func() {
		if recover() != nil { // a parser bug on hostile input is a file we do not take
			problem = pdfUnparsable
		}
	}()
	if !Whole(data, 0) {
		return pdfTruncated
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	ctx, err := api.ReadAndValidate(bytes.NewReader(data), conf)
	if err != nil {
		if ctx == nil && bytes.Contains(data, []byte("/Encrypt")) {
			return pdfEncrypted
		}
		return pdfUnparsable
	}
	if ctx.Encrypt != nil || ctx.E != nil {
		return pdfEncrypted
	}
	if maxPages > 0 && ctx.PageCount > maxPages {
		return pdfTooLong
	}
	w := pdfWalker{x: ctx.XRefTable, seen: map[int]bool{}}
	for nr, e := range ctx.Table {
		if e == nil || e.Free || e.Generation == nil {
			continue
		}
		if p := w.object(types.IndirectRef{ObjectNumber: types.Integer(nr), GenerationNumber: types.Integer(*e.Generation)}, 0); p != "" {
			return p
		}
	}
	return ""
}

// pdfWalker looks through every object for what would make the document act.
type pdfWalker struct {
	x    *model.XRefTable
	seen map[int]bool
}

func (w *pdfWalker) object(o types.Object, depth int) string {
	if depth > 64 {
		return pdfUnparsable
	}
	if ref, ok := o.(types.IndirectRef); ok {
		if w.seen[ref.ObjectNumber.Value()] {
			return ""
		}
		w.seen[ref.ObjectNumber.Value()] = true
		var err error
		if o, err = w.x.Dereference(ref); err != nil {
			return pdfUnparsable
		}
	}
	switch v := o.(type) {
	case types.Dict:
		return w.dict(v, depth)
	case types.StreamDict:
		return w.dict(v.Dict, depth)
	case types.Array:
		for _, e := range v {
			if p := w.object(e, depth+1); p != "" {
				return p
			}
		}
	}
	return ""
}

func (w *pdfWalker) dict(d types.Dict, depth int) string {
	if p := dictProblem(d); p != "" {
		return p
	}
	for _, v := range d {
		if _, ref := v.(types.IndirectRef); ref {
			continue // every object is walked from the table
		}
		if p := w.object(v, depth+1); p != "" {
			return p
		}
	}
	return ""
}

// dictProblem judges one dictionary by its keys and its action type.
func dictProblem(d types.Dict) string {
	for _, key := range []string{"JS", "JavaScript"} {
		if _, ok := d[key]; ok {
			return pdfJavaScript
		}
	}
	for _, key := range []string{"EmbeddedFiles", "EF"} {
		if _, ok := d[key]; ok {
			return pdfEmbedded
		}
	}
	if _, ok := d["XFA"]; ok {
		return pdfActive // an XML form, which may carry scripts
	}
	if t := d.NameEntry("Type"); t != nil && *t == "EmbeddedFile" {
		return pdfEmbedded
	}
	if s := d.NameEntry("S"); s != nil {
		switch *s {
		case "JavaScript":
			return pdfJavaScript
		case "Launch":
			return pdfLaunch
		case "GoToE":
			return pdfEmbedded
		case "ImportData", "SubmitForm", "RichMediaExecute", "Rendition", "Movie", "Sound":
			return pdfActive
		}
	}
	return ""
}

// Plain tells whether data is a whole PDF of at most maxPages pages (0: no limit) that the
// parser finds nothing wrong with: the one test for a file an operator will open.
func Plain(data []byte, maxPages int) bool {
	return Whole(data, maxPages) && Problem(data, maxPages) == ""
}
