package ops

import (
	"html"
	"html/template"
	"regexp"
)

// waSpans are WhatsApp's inline styles: ```mono```, *bold*, _italic_, ~strike~. A marker opens
// after a start, a space or punctuation and closes before an end, a space or punctuation, with no
// space just inside it, as WhatsApp reads them.
var waSpans = []struct {
	re  *regexp.Regexp
	tag string
}{
	{regexp.MustCompile("```([^`]+?)```"), "code"},
	{regexp.MustCompile(`(^|[\s\p{P}])\*([^\s*](?:[^*\n]*?[^\s*])?)\*($|[\s\p{P}])`), "strong"},
	{regexp.MustCompile(`(^|[\s\p{P}])_([^\s_](?:[^_\n]*?[^\s_])?)_($|[\s\p{P}])`), "em"},
	{regexp.MustCompile(`(^|[\s\p{P}])~([^\s~](?:[^~\n]*?[^\s~])?)~($|[\s\p{P}])`), "s"},
}

// waFormat renders a WhatsApp message as HTML: everything escaped first, then only the styles'
// own tags added, so that a resident's text can never inject markup.
func waFormat(text string) template.HTML {
	out := html.EscapeString(text)
	for _, sp := range waSpans {
		open, end := "<"+sp.tag+">", "</"+sp.tag+">"
		if sp.tag == "code" {
			out = sp.re.ReplaceAllString(out, open+"$1"+end)
			continue
		}
		// Twice: a match consumes the space after it, which the next one may start with.
		for range 2 {
			out = sp.re.ReplaceAllString(out, "${1}"+open+"${2}"+end+"${3}")
		}
	}
	return template.HTML(out) //nolint:gosec // escaped above; only our tags added
}
