package bot

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	_ "image/jpeg" // register decoders
	_ "image/png"
	"net/http"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/flows"
)

// maxDecodedBytes bounds the memory one image may take once decoded, which is what an operator's
// viewer will need too: about 50 megapixels of an ordinary phone photo (a JPEG decodes to at
// most 3 bytes a pixel), 40 of an 8-bit RGBA PNG. A header claiming more is refused before any
// decoding, so a small file cannot claim a giant picture (a "decompression bomb").
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

// checkImage decodes data completely when its header promises a picture within the budget.
func checkImage(data []byte) (w, h int, ok bool) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, 0, false
	}
	if int64(cfg.Width)*int64(cfg.Height)*bytesPerPixel(cfg.ColorModel) > maxDecodedBytes {
		return cfg.Width, cfg.Height, false
	}
	mediaSlots <- struct{}{}
	defer func() { <-mediaSlots }()
	// A truncated file decodes its header but not its pixels: only a full decode tells.
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return cfg.Width, cfg.Height, false
	}
	return cfg.Width, cfg.Height, true
}

// bytesPerPixel is the most a decoded pixel of the model takes.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.YCbCrModel:
		return 3
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4
}
