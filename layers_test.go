package vikalp_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// module is this module's import path.
const module = "github.com/vikalp/vikalp"

// layers is the documented import order (README.md, Layout): a package may
// import packages of a lower layer and its own subpackages, never a package
// of its own layer or above. The root package (the shared error kinds and
// phone rules), internal/*, migrations, web (embedded assets) and deploy sit
// below everything; a new top-level package must be placed here before it
// builds a test.
var layers = [][]string{
	{"", "internal", "migrations", "web", "deploy"},
	{"geo"},
	{"forecast", "jurisdiction"},
	{"auth"},
	{"notify", "testkit"},
	{"cases", "ingest", "tiles"},
	{"analytics"},
	{"leads"},
	{"alerts"},
	{"api", "bench"},
	{"app"},
	{"cmd"},
}

// layerOf returns the layer of a package path relative to the module ("" for
// the root) and its top-level directory; ok is false for an unplaced package.
func layerOf(rel string) (layer int, top string, ok bool) {
	top, _, _ = strings.Cut(rel, "/")
	for i, names := range layers {
		if slices.Contains(names, top) {
			return i, top, true
		}
	}
	return 0, top, false
}

// upwardImports lists every import of graph (package → its imports, paths
// relative to the module) that reaches a package of the same or a higher
// layer outside the importer's own tree, and every package no layer places.
func upwardImports(graph map[string][]string) []string {
	var bad []string
	for pkg, imports := range graph {
		from, fromTop, ok := layerOf(pkg)
		if !ok {
			bad = append(bad, fmt.Sprintf("%s: top-level package %q is not placed in the layer order", pkg, fromTop))
			continue
		}
		for _, imp := range imports {
			to, toTop, ok := layerOf(imp)
			switch {
			case !ok:
				bad = append(bad, fmt.Sprintf("%s imports %s: %q is not placed in the layer order", pkg, imp, toTop))
			case toTop == fromTop:
				// its own tree: app/apitest → app, internal/pgtest → internal/pg
			case to > from || (to == from && from != 0):
				bad = append(bad, fmt.Sprintf("%s (layer %d) imports %s (layer %d)", pkg, from, imp, to))
			}
		}
	}
	slices.Sort(bad)
	return bad
}

// moduleGraph is `go list -deps` of the whole module: each package of the
// module with the module packages it imports (test files excluded: a
// browser test may start the whole server).
func moduleGraph(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	rel := func(p string) (string, bool) {
		if p == module {
			return "", true
		}
		r, ok := strings.CutPrefix(p, module+"/")
		return r, ok
	}
	graph := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		pkg, ok := rel(fields[0])
		if !ok {
			continue
		}
		graph[pkg] = nil
		for _, imp := range fields[1:] {
			if r, ok := rel(imp); ok {
				graph[pkg] = append(graph[pkg], r)
			}
		}
	}
	return graph
}

// TestImportsFollowLayers: no package imports one of its own layer or above.
func TestImportsFollowLayers(t *testing.T) {
	graph := moduleGraph(t)
	if len(graph) < 10 {
		t.Fatalf("go list found %d module packages; expected the whole tree", len(graph))
	}
	for _, v := range upwardImports(graph) {
		t.Error(v)
	}
}

// TestUpwardImportIsCaught: the check fails on the imports it exists to
// stop, and passes the shapes the tree uses.
func TestUpwardImportIsCaught(t *testing.T) {
	cases := []struct {
		name  string
		graph map[string][]string
		bad   int
	}{
		{"downward", map[string][]string{"cases": {"auth", "geo", "", "internal/pg"}, "api": {"cases", "web"}}, 0},
		{"own test support", map[string][]string{"app/apitest": {"app", "api", "alerts"}, "cases/casestest": {"auth"}}, 0},
		{"api below app", map[string][]string{"api": {"app"}}, 1},
		{"upward", map[string][]string{"cases": {"alerts"}}, 1},
		{"same layer", map[string][]string{"cases": {"ingest"}}, 1},
		{"leads below analytics", map[string][]string{"analytics": {"leads"}}, 1},
		{"notify below cases", map[string][]string{"notify": {"cases"}}, 1},
		{"cases above notify", map[string][]string{"cases": {"notify"}, "alerts": {"notify", "cases"}}, 0},
		{"root reaches up", map[string][]string{"": {"cases"}}, 1},
		{"internal reaches up", map[string][]string{"internal/pg": {"auth"}}, 1},
		{"unplaced package", map[string][]string{"reports": {"geo"}}, 1},
	}
	for _, c := range cases {
		if got := upwardImports(c.graph); len(got) != c.bad {
			t.Errorf("%s: %d violations %q, want %d", c.name, len(got), got, c.bad)
		}
	}
}
