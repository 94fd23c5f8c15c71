package whatsapp

import (
	"bytes"
	"image"
	"image/jpeg"
	_ "image/png" // photos the bot sends may be PNG
)

// thumbSide is the longest side of the preview WhatsApp shows before a photo is downloaded.
const thumbSide = 72

// thumbnail decodes a JPEG or PNG and returns its size and a small JPEG preview. ok is false
// for anything that does not decode: such a file is sent as a document.
func thumbnail(data []byte) (width, height int, thumb []byte, ok bool) {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return 0, 0, nil, false
	}
	b := img.Bounds()
	width, height = b.Dx(), b.Dy()
	if width == 0 || height == 0 {
		return 0, 0, nil, false
	}
	scale := float64(thumbSide) / float64(max(width, height))
	tw, th := max(int(float64(width)*scale), 1), max(int(float64(height)*scale), 1)
	small := image.NewRGBA(image.Rect(0, 0, tw, th))
	for y := range th {
		for x := range tw {
			small.Set(x, y, img.At(b.Min.X+x*width/tw, b.Min.Y+y*height/th))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: 60}); err != nil {
		return width, height, nil, true
	}
	return width, height, buf.Bytes(), true
}
