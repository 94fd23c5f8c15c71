package thumb

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

func TestMake(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := range 1200 {
		for x := range 1600 {
			src.Set(x, y, color.RGBA{uint8((x*7919 + y*104729) % 251), uint8((x*31 + y*17) % 253), uint8(x ^ y), 255}) // a photo does not compress like a gradient
		}
	}
	var orig bytes.Buffer
	if err := png.Encode(&orig, src); err != nil {
		t.Fatal(err)
	}
	small, err := Make(orig.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(small))
	if err != nil || cfg.Width != 320 || cfg.Height != 240 {
		t.Fatalf("thumbnail %d×%d (%v), want 320×240", cfg.Width, cfg.Height, err)
	}
	if len(small) >= orig.Len()/10 {
		t.Errorf("thumbnail is %d bytes for a %d-byte original", len(small), orig.Len())
	}
	if _, err := Make([]byte("%PDF-1.4")); err != ErrNotImage {
		t.Errorf("a PDF: %v, want ErrNotImage", err)
	}
}
