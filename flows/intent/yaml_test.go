package intent

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite keywords.example.yaml from DefaultKeywords")

const exampleYAML = "keywords.example.yaml"

func TestKeywordsYAMLUpToDate(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteYAML(&buf, DefaultKeywords()); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(exampleYAML, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(exampleYAML)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Fatalf("%s is stale; regenerate with: go test ./flows/intent -update", exampleYAML)
	}
	back, err := parseKeywordsYAML(got)
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultKeywords(); !reflect.DeepEqual(back, want) {
		t.Fatalf("%s reads back as\n%v\nwant\n%v", exampleYAML, back, want)
	}
}

func TestWriteYAMLQuotes(t *testing.T) {
	kw := Keywords{"status": {"no", `say "hi"`, "jam 8", "ok"}, "zz": nil, "info": {}}
	var buf bytes.Buffer
	if err := WriteYAML(&buf, kw); err != nil {
		t.Fatal(err)
	}
	want := "keywords:\n" +
		"  status:\n    - \"no\"\n    - \"say \\\"hi\\\"\"\n    - jam 8\n    - ok\n" +
		"  info: []\n" +
		"  zz: []\n"
	if got := strings.TrimPrefix(buf.String(), yamlHeader); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	back, err := parseKeywordsYAML(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back["status"], kw["status"]) {
		t.Errorf("status reads back as %q", back["status"])
	}
}

// parseKeywordsYAML reads exactly the shape WriteYAML writes: comments, "keywords:", two-space
// service keys and four-space list items, plain or double-quoted.
func parseKeywordsYAML(b []byte) (Keywords, error) {
	kw := Keywords{}
	key := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case line == "" || strings.HasPrefix(line, "#") || line == "keywords:":
		case strings.HasPrefix(line, "    - "):
			item := strings.TrimPrefix(line, "    - ")
			if strings.HasPrefix(item, `"`) {
				var err error
				if item, err = strconv.Unquote(item); err != nil {
					return nil, &yamlError{n, line}
				}
			}
			if key == "" {
				return nil, &yamlError{n, line}
			}
			kw[key] = append(kw[key], item)
		case strings.HasPrefix(line, "  ") && strings.HasSuffix(line, ": []"):
			kw[strings.TrimSuffix(strings.TrimSpace(line), ": []")] = []string{}
		case strings.HasPrefix(line, "  ") && strings.HasSuffix(line, ":"):
			key = strings.TrimSuffix(strings.TrimSpace(line), ":")
		default:
			return nil, &yamlError{n, line}
		}
	}
	return kw, sc.Err()
}

type yamlError struct {
	line int
	text string
}

func (e *yamlError) Error() string { return "yaml line " + strconv.Itoa(e.line) + ": " + e.text }
