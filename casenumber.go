package ketanmu

import "regexp"

// CaseNumberPattern finds a registration number (PREFIX-YYMMDD-NNNN, e.g. KTP-261125-0007) in
// text, in any letter case.
var CaseNumberPattern = regexp.MustCompile(`(?i)\b[A-Z]{2,5}-\d{6}-\d{4}\b`)

// IsCaseNumber reports whether s is a registration number and nothing else.
func IsCaseNumber(s string) bool {
	loc := CaseNumberPattern.FindStringIndex(s)
	return loc != nil && loc[0] == 0 && loc[1] == len(s)
}
