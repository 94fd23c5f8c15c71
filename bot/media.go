package bot

import (
	"bytes"
	"image"
	_ "image/jpeg" // register decoders for DecodeConfig
	_ "image/png"
	"net/http"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/flows"
)

// inspectMedia reads what the flows need to judge a file: its real type (from the bytes, not
// the sender's label), whether it decodes, and an image's size.
func inspectMedia(m *ketanmu.Media) *flows.Media {
	fm := &flows.Media{Mime: m.Mime, Filename: m.Filename, Size: m.Size, SHA256: m.SHA256}
	switch detected := http.DetectContentType(m.Data); detected {
	case "image/jpeg", "image/png", "application/pdf":
		fm.Mime = detected
	}
	switch fm.Mime {
	case "image/jpeg", "image/png":
		cfg, _, err := image.DecodeConfig(bytes.NewReader(m.Data))
		if err == nil && cfg.Width > 0 && cfg.Height > 0 {
			fm.Readable, fm.Width, fm.Height = true, cfg.Width, cfg.Height
		}
	case "application/pdf":
		fm.Readable = bytes.HasPrefix(m.Data, []byte("%PDF-"))
	}
	return fm
}
