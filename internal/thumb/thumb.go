// Package thumb makes the small images the workspace shows in place of full photos: a page of
// thumbnails must not ship every document at full size.
package thumb

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // photos arrive as JPEG or PNG
)

// Size is the longest side of a thumbnail, in pixels.
const Size = 320

// maxPixels bounds what is decoded: a picture larger than this is not a phone's photo.
const maxPixels = 50_000_000

// ErrNotImage is returned for data that is no JPEG or PNG picture.
var ErrNotImage = errors.New("thumb: not a JPEG or PNG picture")

// Make returns a JPEG at most Size pixels on its longest side, each pixel the average of the
// box of the original it stands for.
func Make(data []byte) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, ErrNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return nil, fmt.Errorf("thumb: %d×%d pixels is too large", cfg.Width, cfg.Height)
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, ErrNotImage
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, shrink(src), &jpeg.Options{Quality: 75}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func shrink(src image.Image) image.Image {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= Size && h <= Size {
		return src
	}
	tw, th := Size, h*Size/w
	if h > w {
		tw, th = w*Size/h, Size
	}
	tw, th = max(tw, 1), max(th, 1)
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	for y := range th {
		y0, y1 := b.Min.Y+y*h/th, b.Min.Y+max((y+1)*h/th, y*h/th+1)
		for x := range tw {
			x0, x1 := b.Min.X+x*w/tw, b.Min.X+max((x+1)*w/tw, x*w/tw+1)
			var r, g, bl, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					cr, cg, cb, _ := src.At(sx, sy).RGBA()
					r, g, bl, n = r+uint64(cr), g+uint64(cg), bl+uint64(cb), n+1
				}
			}
			dst.Set(x, y, color.RGBA{uint8(r / n >> 8), uint8(g / n >> 8), uint8(bl / n >> 8), 255})
		}
	}
	return dst
}
