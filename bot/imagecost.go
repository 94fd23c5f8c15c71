package bot

import (
	"encoding/binary"
	"image/color"
)

// What a decode holds. The budget counts what Go's decoders really allocate, not 3 bytes a
// pixel: a progressive JPEG keeps every 8×8 block's 64 coefficients as int32 (4 bytes a sample)
// besides the picture, five times a baseline JPEG of the same size; a CMYK JPEG is converted
// into a second picture; an interlaced PNG decodes its seven passes into pictures of their own.

// decodeCost is the most a full decode of data may allocate, from its header alone; ok is false
// when the header cannot be read (the file is then not an image we decode).
func decodeCost(data []byte, format string, w, h int, model color.Model) (cost int64, ok bool) {
	switch format {
	case "jpeg":
		return jpegCost(data)
	case "png":
		px := int64(w) * int64(h) * bytesPerPixel(model)
		if len(data) > 28 && data[28] == 1 { // IHDR's interlace method: Adam7
			px *= 2
		}
		return px, true
	}
	return 0, false
}

// jpegCost reads the frame header (SOF) of a JPEG: its size, components and their sampling,
// and whether it is progressive, and returns what image/jpeg allocates to decode it.
func jpegCost(data []byte) (int64, bool) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 0, false
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return 0, false
		}
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8): // no length
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // scan or end before any frame
			return 0, false
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 0, false
		}
		if marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
			return frameCost(data[i+4:i+2+n], marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE)
		}
		i += 2 + n
	}
	return 0, false
}

// frameCost is the decode cost of a SOF segment's body: precision, height, width, components.
func frameCost(sof []byte, progressive bool) (int64, bool) {
	if len(sof) < 6 {
		return 0, false
	}
	h, w, nc := int64(binary.BigEndian.Uint16(sof[1:])), int64(binary.BigEndian.Uint16(sof[3:])), int(sof[5])
	if w == 0 || h == 0 || nc == 0 || len(sof) < 6+3*nc {
		return 0, false
	}
	var hmax, vmax int64 = 1, 1
	for c := range nc {
		f := sof[6+3*c+1]
		hmax, vmax = max(hmax, int64(f>>4)), max(vmax, int64(f&0x0F))
	}
	mxx, myy := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)
	var samples int64
	for c := range nc {
		f := sof[6+3*c+1]
		samples += mxx * myy * int64(f>>4) * int64(f&0x0F) * 64
	}
	cost := samples // one byte a sample: the decoded planes
	if progressive {
		cost += 4 * samples // every block's coefficients, kept until the last scan
	}
	if nc == 4 {
		cost += 4 * w * h // converted to CMYK at the end
	}
	return cost, true
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
