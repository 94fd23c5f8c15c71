package textdist_test

import (
	"testing"

	"github.com/ketanmu/ketanmu/internal/textdist"
)

func TestOSA(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"jatirejo", "jatirejo", 2, 0},
		{"jatirejo", "jatirjo", 2, 1},   // deletion
		{"jatirejo", "jatiretjo", 2, 1}, // insertion
		{"pindah", "pindha", 2, 1},      // neighbours swapped
		{"akta", "akte", 1, 1},          // substitution
		{"kelahiran", "klahiarn", 3, 2}, // deletion and a swap
		{"mojokerto", "surabaya", 2, 3}, // far apart: limit+1
		{"ktp", "kartu tanda", 2, 3},    // lengths too different: limit+1 at once
		{"", "", 0, 0},
		{"é", "e", 1, 1}, // runes, not bytes
	}
	for _, tt := range tests {
		if got := textdist.OSA([]rune(tt.a), []rune(tt.b), tt.limit); got != tt.want {
			t.Errorf("OSA(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
	long := []rune("abcdefghijklmnopqrstuvwxyzabcdefghijklmnop") // longer than the stack rows
	if got := textdist.OSA(long, long[1:], 2); got != 1 {
		t.Errorf("OSA of a long word and itself less one letter = %d, want 1", got)
	}
}
