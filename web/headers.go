package web

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"sync"

	"github.com/ketanmu/ketanmu/web/httpx"
)

// privateHeaders keeps answers with personal data out of every cache (each API answer may hold a
// NIK, a name, a photo; the workspace's pages set it themselves) and, when the service is reached
// over TLS, tells the browser to keep to HTTPS.
func (s *Server) privateHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/ops/") && !strings.HasPrefix(r.URL.Path, "/ops/static/") {
			h.Set("Cache-Control", "no-store")
		}
		if httpx.Secure(r, s.cfg.Ops.PublicURL) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// favicon is the site's icon: the workspace's dark blue with a white speech bubble, drawn once.
var favicon = sync.OnceValue(func() []byte {
	const n = 32
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	blue, white := color.NRGBA{0x1f, 0x3a, 0x5f, 0xff}, color.NRGBA{0xff, 0xff, 0xff, 0xff}
	for y := range n {
		for x := range n {
			c := blue
			inBubble := x >= 7 && x < 25 && y >= 8 && y < 20
			inTail := y >= 20 && y < 25 && x >= 10 && x < 10+(25-y)
			if inBubble || inTail {
				c = white
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // encoding into memory does not fail
	return buf.Bytes()
})

func serveFavicon(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(favicon())
}
