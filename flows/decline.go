package flows

import (
	"slices"
	"strings"
)

// negWords start a "no" ("gak ada foto", "tidak usah", "ndak punya").
var negWords = []string{"tidak", "tdk", "gak", "ga", "gk", "nggak", "ngga", "enggak", "ndak", "nda", "ora", "mboten",
	"belum", "blm", "no", "nope", "kosong", "skip", "lewati", "lewat", "tanpa"}

// fillerWords may follow a "no" without making it a sentence of its own: what there is none of,
// and courtesy.
var fillerWords = []string{"ada", "punya", "usah", "perlu", "foto", "fotonya", "gambar", "catatan", "catatannya",
	"lampiran", "bukti", "buktinya", "dokumen", "file", "kodenya", "itu", "kak", "pak", "bu", "mas", "mbak", "min",
	"sih", "deh", "dulu", "ya", "yah", "kok", "aja", "saja", "lagi", "kayaknya", "sepertinya", "ono", "wonten"}

// declines reports whether a message (normalised words) only says no, for an optional step:
// "tidak", "gak ada foto", "ndak punya bukti pak". A sentence that merely starts with a
// negation ("tidak bisa datang senin") is not one.
func declines(word string) bool {
	if isSkip(word) {
		return true
	}
	words := strings.Fields(word)
	if len(words) == 0 || len(words) > 5 || !slices.Contains(negWords, words[0]) {
		return false
	}
	for _, w := range words[1:] {
		if !slices.Contains(fillerWords, w) {
			return false
		}
	}
	return true
}
