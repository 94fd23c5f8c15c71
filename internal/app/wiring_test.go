package app_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The case service, the queueing rules it shares with the router, the router, the outbox worker,
// the schedules, the metrics and the HTTP server are built in one place, internal/app: any other
// package (tests aside) calling their constructors would build a second wiring, or a case service
// that queues around the lane and proactive rules.
func TestWiredOnlyInApp(t *testing.T) {
	constructors := map[string]map[string]bool{
		"github.com/ketanmu/ketanmu/casework":         {"New": true},
		"github.com/ketanmu/ketanmu/bot":              {"NewRouter": true},
		"github.com/ketanmu/ketanmu/outbox":           {"New": true, "NewQueue": true, "NewWake": true},
		"github.com/ketanmu/ketanmu/reminder":         {"New": true},
		"github.com/ketanmu/ketanmu/web":              {"New": true},
		"github.com/ketanmu/ketanmu/internal/metrics": {"New": true},
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var calls []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			filepath.Dir(path) == filepath.Join(root, "internal", "app") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		calls = append(calls, constructorCalls(fset, f, constructors)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range calls {
		t.Errorf("%s: only internal/app builds the program's parts", c)
	}
}

// constructorCalls lists where f calls one of constructors (import path -> names).
func constructorCalls(fset *token.FileSet, f *ast.File, constructors map[string]map[string]bool) []string {
	local := map[string]map[string]bool{} // the name a file imports a package as -> its constructors
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		names, ok := constructors[path]
		if !ok {
			continue
		}
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		local[name] = names
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		switch fn := call.Fun.(type) {
		case *ast.SelectorExpr:
			if x, ok := fn.X.(*ast.Ident); ok && local[x.Name][fn.Sel.Name] {
				out = append(out, fset.Position(call.Pos()).String())
			}
		case *ast.Ident: // inside the package itself
			for path, names := range constructors {
				if names[fn.Name] && strings.HasSuffix(path, "/"+f.Name.Name) {
					out = append(out, fset.Position(call.Pos()).String())
				}
			}
		}
		return true
	})
	return out
}

// The HTTP surfaces get what they need from internal/app, not from the WhatsApp router.
func TestWebDoesNotImportBot(t *testing.T) {
	for pkg, deps := range webDeps(t) {
		for _, dep := range deps {
			if dep == "github.com/ketanmu/ketanmu/bot" || strings.HasPrefix(dep, "github.com/ketanmu/ketanmu/bot/") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}

// The simulator's surface (its API and its "sim" password) is mounted by the simulator's wiring
// only: no web package but web/sim itself depends on it, and no package but internal/app (tests
// aside) imports it.
func TestWebSimOnlyInSimWiring(t *testing.T) {
	const websim = "github.com/ketanmu/ketanmu/web/sim"
	pkgs := webDeps(t)
	for _, p := range []string{"web", "web/api", "web/ops", "web/httpx", websim[len("github.com/ketanmu/ketanmu/"):]} {
		if _, ok := pkgs["github.com/ketanmu/ketanmu/"+p]; !ok {
			t.Errorf("no package %s among %v", p, slices.Collect(maps.Keys(pkgs)))
		}
	}
	for pkg, deps := range pkgs {
		if pkg != websim && slices.Contains(deps, websim) {
			t.Errorf("%s depends on %s", pkg, websim)
		}
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "github.com/ketanmu/ketanmu/...").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 0 && fields[0] != "github.com/ketanmu/ketanmu/internal/app" && slices.Contains(fields[1:], websim) {
			t.Errorf("%s imports %s: only the simulator's wiring (internal/app) mounts it", fields[0], websim)
		}
	}
}

// webDeps lists every package under web/ with its dependencies.
func webDeps(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "github.com/ketanmu/ketanmu/web/...").Output()
	if err != nil {
		t.Fatal(err)
	}
	pkgs := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if fields := strings.Fields(line); len(fields) > 0 {
			pkgs[fields[0]] = fields[1:]
		}
	}
	return pkgs
}
