package intent

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// routingCase is one line of testdata/routing.tsv.
type routingCase struct {
	line      int
	want, msg string
}

func readRouting(tb testing.TB) []routingCase {
	tb.Helper()
	f, err := os.Open("testdata/routing.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var cases []routingCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		want, msg, ok := strings.Cut(line, "\t")
		if !ok {
			tb.Fatalf("routing.tsv:%d: want key<TAB>message, got %q", n, line)
		}
		cases = append(cases, routingCase{n, want, msg})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return cases
}

// MustDefault returns a classifier over DefaultKeywords.
func MustDefault(tb testing.TB) *Classifier {
	tb.Helper()
	c, err := New(DefaultKeywords())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestRouting(t *testing.T) {
	c := MustDefault(t)
	cases := readRouting(t)
	perKey := map[string]int{}
	misses := 0
	for _, tc := range cases {
		perKey[tc.want]++
		if !slices.Contains(allKeys(), tc.want) {
			t.Errorf("routing.tsv:%d: unknown key %q", tc.line, tc.want)
			continue
		}
		got, matches := c.Explain(tc.msg)
		if got != tc.want {
			misses++
			t.Errorf("routing.tsv:%d: %q\n\tgot %s, want %s\n\twords %q\n\tmatches %s",
				tc.line, tc.msg, got, tc.want, c.normalize(regNumber.ReplaceAllString(tc.msg, " ")),
				formatMatches(matches))
		}
		if c.Classify(tc.msg) != got {
			t.Errorf("routing.tsv:%d: Classify and Explain disagree on %q", tc.line, tc.msg)
		}
	}
	if len(cases) < 120 {
		t.Errorf("routing.tsv has %d messages, want at least 120", len(cases))
	}
	for _, key := range allKeys() {
		if perKey[key] < 10 {
			t.Errorf("routing.tsv has %d messages for %s, want at least 10", perKey[key], key)
		}
	}
	t.Logf("%d messages, %d misses, per key %v", len(cases), misses, perKey)
}

func formatMatches(ms []Match) string {
	if len(ms) == 0 {
		return "none"
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = fmt.Sprintf("%s:%q=%.1f", m.Key, m.Keyword, m.Score)
	}
	return strings.Join(parts, " ")
}

func allKeys() []string {
	return append(serviceKeys[:len(serviceKeys):len(serviceKeys)], Unknown)
}

func FuzzClassify(f *testing.F) {
	for _, tc := range readRouting(f) {
		f.Add(tc.msg)
	}
	f.Add("KTP-251125-0007 ktp-el e-ktp aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	f.Add("\xff\xfe ktp \u0301\u0301 nya")
	c := MustDefault(f)
	keys := allKeys()
	f.Fuzz(func(t *testing.T, msg string) {
		got, matches := c.Explain(msg)
		if !slices.Contains(keys, got) {
			t.Fatalf("Explain(%q) = %q, not a key", msg, got)
		}
		if c.Classify(msg) != got {
			t.Fatalf("Classify and Explain disagree on %q", msg)
		}
		if got != Unknown && len(matches) == 0 {
			t.Fatalf("Explain(%q) = %s with no matches", msg, got)
		}
	})
}

func BenchmarkClassify(b *testing.B) {
	c := MustDefault(b)
	cases := readRouting(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.Classify(cases[i%len(cases)].msg)
	}
}
