package intent

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
)

// yamlHeader explains the keywords to whoever tunes them in the config file.
const yamlHeader = `# Free-text routing: words and phrases that send a resident's message to a service when they
# write instead of picking a menu number. Lowercase; a phrase matches consecutive words. Slang
# and abbreviations (gmn, tdk, akte, e-KTP), suffixes (-nya, -e), stretched letters and small
# typos are handled by the router, so list each word once in its standard form. A keyword may
# appear under one service only. Unclear messages get the menu.
`

// plainYAML matches keywords that YAML reads back unchanged without quotes.
var plainYAML = regexp.MustCompile(`^[a-z][a-z0-9_]*( [a-z0-9_]+)*$`)

// WriteYAML writes kw as a config fragment: a commented top-level "keywords:" map with the
// services in menu order (any other keys after them, sorted) and their keywords as listed.
func WriteYAML(w io.Writer, kw Keywords) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(yamlHeader)
	bw.WriteString("keywords:\n")
	for _, key := range yamlKeys(kw) {
		if len(kw[key]) == 0 {
			fmt.Fprintf(bw, "  %s: []\n", yamlString(key))
			continue
		}
		fmt.Fprintf(bw, "  %s:\n", yamlString(key))
		for _, k := range kw[key] {
			fmt.Fprintf(bw, "    - %s\n", yamlString(k))
		}
	}
	return bw.Flush()
}

func yamlKeys(kw Keywords) []string {
	var keys []string
	for _, key := range serviceKeys {
		if _, ok := kw[key]; ok {
			keys = append(keys, key)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(kw)) {
		if !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	}
	return keys
}

// yamlString leaves ordinary words plain and double-quotes anything else, including the words
// YAML 1.1 reads as booleans or null.
func yamlString(s string) string {
	switch s {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return strconv.Quote(s)
	}
	if plainYAML.MatchString(s) {
		return s
	}
	return strconv.Quote(s)
}
