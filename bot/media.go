package bot

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	_ "image/jpeg" // register decoders
	_ "image/png"
	"net/http"
	"runtime/debug"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/flows"
)

// maxDecodedBytes bounds the memory one image's decode may take (decodeCost), which bounds an
// operator's viewer too: about 100 megapixels of an ordinary phone photo (a baseline 4:2:0 JPEG
// takes 1.5 bytes a pixel), 20 of a progressive one (7.5 bytes a pixel), 40 of an 8-bit RGBA
// PNG. A header claiming more is refused before any decoding, so a small file cannot claim a
// giant picture (a "decompression bomb") nor a progressive JPEG hold gigabytes of coefficients.
const maxDecodedBytes = 160 << 20

// mediaSlots bounds how many files are decoded at once: each may take maxDecodedBytes.
var mediaSlots = make(chan struct{}, 1)

// inspectMedia reads what the flows need to judge a file: its real type (from the bytes, not
// the sender's label), whether it is whole and opens (an image decodes completely within the
// memory budget; a PDF has a PDF's structure and at most maxPDFPages pages), and an image's size.
func inspectMedia(m *ketanmu.Media, maxPDFPages int) *flows.Media {
	sum := sha256.Sum256(m.Data)
	fm := &flows.Media{Mime: m.Mime, Filename: m.Filename, Size: int64(len(m.Data)), SHA256: hex.EncodeToString(sum[:])}
	switch detected := http.DetectContentType(m.Data); detected {
	case "image/jpeg", "image/png", "application/pdf":
		fm.Mime = detected
	}
	switch fm.Mime {
	case "image/jpeg", "image/png":
		fm.Width, fm.Height, fm.Readable = checkImage(m.Data)
	case "application/pdf":
		fm.Readable = checkPDF(m.Data, maxPDFPages)
	}
	return fm
}

// checkImage decodes data completely when its header promises a picture whose decode fits the
// budget (decodeCost: what the decoder really allocates, progressive JPEGs included). One decode
// runs at a time, and a large one hands its memory back to the system before the next starts,
// so the process's peak stays one budget above its usual size.
func checkImage(data []byte) (w, h int, ok bool) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, 0, false
	}
	cost, known := decodeCost(data, format, cfg.Width, cfg.Height, cfg.ColorModel)
	if !known || cost > maxDecodedBytes {
		return cfg.Width, cfg.Height, false
	}
	mediaSlots <- struct{}{}
	defer func() { <-mediaSlots }()
	if cost > releaseAfter {
		defer debug.FreeOSMemory()
	}
	// A truncated file decodes its header but not its pixels: only a full decode tells.
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return cfg.Width, cfg.Height, false
	}
	return cfg.Width, cfg.Height, true
}

// releaseAfter is the decode size after which the memory is returned to the system at once
// rather than left for the garbage collector's next cycle (which would let two decodes' worth
// be held at the same time).
const releaseAfter = 16 << 20
