package bot

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/internal/testpdf"
)

// TestInspectMediaRefusesHarmfulFiles: files that pass a header check but are not whole, or
// would take an operator's viewer gigabytes to open, are not readable; real ones are.
func TestInspectMediaRefusesHarmfulFiles(t *testing.T) {
	photo := mustJPEG(t, 800, 600)
	pic := mustPNG(t, 700, 500)
	for _, tc := range []struct {
		name string
		data []byte
		want bool
	}{
		{"photo", photo, true},
		{"png", pic, true},
		{"jpeg truncated to 30%", photo[:len(photo)*3/10], false},
		{"jpeg header only (177 bytes)", photo[:177], false},
		{"png truncated", pic[:len(pic)/2], false},
		{"png claiming 1000000x1000000 (69 bytes)", pngHeader(t, 1_000_000, 1_000_000, 8, 0, nil), false},
		{"png of 20000x20000 (bomb)", pngBomb(t, 20000, 20000), false},
		{"png claiming 100000x100000 (33 bytes)", testfix.PNGHeader(100_000, 100_000), false},
		{"progressive jpeg 1000x800", testfix.ProgressiveJPEG(1000, 800), true},
		{"progressive jpeg 7200x7200 (0.3 MB, 780 MB to decode)", testfix.ProgressiveJPEG(7200, 7200), false},
		{"pdf", testpdf.PDF(3), true},
		{"pdf header then html", []byte("%PDF-1.4\n<html><body><script>alert(1)</script></body></html>"), false},
		{"pdf cut short", testpdf.PDF(3)[:200], false},
		{"pdf over the page limit", testpdf.PDF(21), false},
		{"pdf startxref pointing nowhere", bytes.Replace(testpdf.PDF(1), []byte("startxref\n"), []byte("startxref\n9"), 1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fm := inspectMedia(&ketanmu.Media{Mime: "application/octet-stream", Data: tc.data}, 20)
			if fm.Readable != tc.want {
				t.Errorf("Readable = %v, want %v (%d bytes, %s)", fm.Readable, tc.want, len(tc.data), fm.Mime)
			}
		})
	}
}

func mustJPEG(tb testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func mustPNG(tb testing.TB, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * y), uint8(y), uint8(x), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// pngHeader is a PNG signature, an IHDR chunk and, when idat is not nil, one IDAT chunk and IEND.
func pngHeader(tb testing.TB, w, h uint32, depth, colorType byte, idat []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = depth, colorType
	chunk("IHDR", ihdr)
	if idat != nil {
		chunk("IDAT", idat)
		chunk("IEND", nil)
	}
	return b.Bytes()
}

// pngBomb is a valid w×h 1-bit grey PNG of zeros: small on disk, w×h pixels decoded.
func pngBomb(tb testing.TB, w, h uint32) []byte {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, 1+(w+7)/8)
	for range h {
		zw.Write(row)
	}
	zw.Close()
	return pngHeader(tb, w, h, 1, 0, z.Bytes())
}

// TestDecodeCost: the budget counts what the decoders allocate, so that a progressive JPEG is
// judged by its coefficients and not by its pixels.
func TestDecodeCost(t *testing.T) {
	for _, tc := range []struct {
		name      string
		data      []byte
		min, max  int64
		underBudg bool
	}{
		// 7200×7200×3 samples, each one byte decoded and four as a coefficient.
		{"progressive 7200x7200 4:4:4", testfix.ProgressiveJPEG(7200, 7200), 777_600_000, 777_600_000, false},
		{"progressive 1000x800", testfix.ProgressiveJPEG(1000, 800), 12_000_000, 12_000_000, true},
		// Go's encoder samples 4:2:0: 1.5 bytes a pixel (rounded up to whole 16×16 blocks).
		{"baseline 800x600", mustJPEG(t, 800, 600), 720_000, 740_000, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, format, err := image.DecodeConfig(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			cost, ok := decodeCost(tc.data, format, cfg.Width, cfg.Height, cfg.ColorModel)
			if !ok || cost < tc.min || cost > tc.max {
				t.Errorf("decodeCost = %d, %v; want %d..%d", cost, ok, tc.min, tc.max)
			}
			if (cost <= maxDecodedBytes) != tc.underBudg {
				t.Errorf("cost %d against the budget %d: want under = %v", cost, maxDecodedBytes, tc.underBudg)
			}
		})
	}
}
