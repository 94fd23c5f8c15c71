// Package textdist measures how far apart two words are, for matching what residents type
// (typos, swapped letters) against keywords and place names.
package textdist

// OSA returns the optimal-string-alignment Damerau-Levenshtein distance between a and b
// (insertions, deletions, substitutions and swaps of neighbours), or limit+1 as soon as it is
// certain to exceed limit.
func OSA(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	// Three rolling rows; words are short, so they live on the stack.
	var buf [3][32]int
	var rows [3][]int
	for i := range rows {
		if len(b)+1 <= len(buf[i]) {
			rows[i] = buf[i][:len(b)+1]
		} else {
			rows[i] = make([]int, len(b)+1)
		}
	}
	prev2, prev, cur := rows[0], rows[1], rows[2]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit+1)
}
