package flows_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenNoPlaceholderLeft reads every golden transcript (TestGolden keeps them equal to what
// the bot sends) and fails on a {word} left unfilled in anything the bot sent, to residents or
// operators, unless the resident typed it.
func TestGoldenNoPlaceholderLeft(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts in testdata: %v", err)
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var typed []string
		for n, line := range strings.Split(string(src), "\n") {
			switch {
			case strings.HasPrefix(line, "> "):
				typed = append(typed, line)
			case strings.HasPrefix(line, "< "), strings.HasPrefix(line, "  "):
				for _, m := range placeholder.FindAllString(line, -1) {
					if !strings.Contains(strings.Join(typed, "\n"), m) {
						t.Errorf("%s:%d: unfilled placeholder %s in %q", path, n+1, m, line)
					}
				}
			}
		}
	}
}
