package nik

import "strings"

// MaskInText hides every 16-digit number in free text a resident typed (a NIK in a complaint or a
// note) before it goes to the operators' group, the way the card's own NIK line is masked. The
// digits may be grouped by single spaces, dots or dashes ("3515 0101 …"); a longer run of
// digits (a phone number, an account number) is left alone.
func MaskInText(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !isDigit(rs[i]) || (i > 0 && isDigit(rs[i-1])) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		end, digits := i, 0
		for j := i; j < len(rs); j++ {
			if isDigit(rs[j]) {
				digits++
				end = j + 1
				continue
			}
			if isNIKSeparator(rs[j]) && j+1 < len(rs) && isDigit(rs[j+1]) && j > i && isDigit(rs[j-1]) {
				continue
			}
			break
		}
		if digits == 16 {
			b.WriteString(MaskNIK(string(rs[i:end])))
		} else {
			b.WriteString(string(rs[i:end]))
		}
		i = end
	}
	return b.String()
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isNIKSeparator(r rune) bool { return r == ' ' || r == '.' || r == '-' }
