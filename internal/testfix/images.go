package testfix

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// ProgressiveJPEG is a real progressive (SOF2) w×h JPEG of three components sampled 4:4:4 with a
// single DC scan of flat grey: about w×h×3/512 bytes on disk (0.3 MB for 7200×7200) that Go's
// decoder opens by allocating 15 bytes a pixel (an int32 coefficient block per 8×8 block and
// component, then the picture). It is what a hostile resident would send at the photo step.
func ProgressiveJPEG(w, h int) []byte {
	var b bytes.Buffer
	seg := func(marker byte, body []byte) {
		b.Write([]byte{0xFF, marker})
		binary.Write(&b, binary.BigEndian, uint16(len(body)+2))
		b.Write(body)
	}
	b.Write([]byte{0xFF, 0xD8})
	dqt := make([]byte, 65)
	for i := 1; i < 65; i++ {
		dqt[i] = 1
	}
	seg(0xDB, dqt)
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0}
	seg(0xC2, sof)
	// One DC table with one code, "0", for a difference of category 0: every block is one bit.
	dht := append([]byte{0x00, 1}, make([]byte, 15)...)
	seg(0xC4, append(dht, 0))
	seg(0xDA, []byte{3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 0, 0})
	blocks := ((w + 7) / 8) * ((h + 7) / 8) * 3
	scan := make([]byte, (blocks+7)/8)
	if pad := blocks % 8; pad != 0 {
		scan[len(scan)-1] = byte(0xFF >> pad) // the last byte's unused bits are ones
	}
	if scan[len(scan)-1] == 0xFF {
		scan = append(scan, 0) // byte stuffing
	}
	b.Write(scan)
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// PNGHeader is a PNG signature and an IHDR chunk claiming w×h pixels of 8-bit RGBA, and nothing
// else: 33 bytes that a decoder trusting the header would answer by allocating w×h×4 bytes.
func PNGHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	crc := crc32.NewIEEE()
	crc.Write([]byte("IHDR"))
	crc.Write(ihdr)
	b.WriteString("IHDR")
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc.Sum32())
	return b.Bytes()
}
