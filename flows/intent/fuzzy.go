package intent

// maxTypos is how far a message word may be from a keyword word and still match: short words
// (kk, nik, ktp, akta) must be exact, longer ones forgive one or two slips.
func maxTypos(word []rune) int {
	switch n := len(word); {
	case n >= 8:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}
