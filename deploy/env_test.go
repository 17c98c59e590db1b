package deploy

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// settingName matches a setting's name inside a Go string literal.
var settingName = regexp.MustCompile(`\b(VIKALP_[A-Z0-9_]*[A-Z0-9]|DATABASE_URL)\b`)

// settingsRead returns every setting cmd/vikalp's (non-test) code names in a
// string literal or constant (config.go, and the few read beside their
// feature such as the audit checkpoint's), plus NAME_FILE for each NAME read
// through secret(), which also accepts a file.
func settingsRead(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	paths, err := filepath.Glob(filepath.Join("..", "cmd", "vikalp", "*.go"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cmd/vikalp sources (%v)", err)
	}
	var files []*ast.File
	consts := map[string]string{}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", p, err)
		}
		files = append(files, f)
		collectConsts(f, consts)
	}
	names := map[string]bool{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, err := strconv.Unquote(n.Value); err == nil && n.Kind == token.STRING {
					for _, m := range settingName.FindAllString(s, -1) {
						names[m] = true
					}
				}
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "secret" && len(n.Args) == 1 {
					names[stringArg(t, n.Args[0], consts)+"_FILE"] = true
				}
			}
			return true
		})
	}
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// collectConsts records the package's string constants (envAuditSigningKey…).
func collectConsts(f *ast.File, consts map[string]string) {
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						consts[name.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
		}
	}
}

// stringArg resolves secret()'s argument: a literal or a string constant.
func stringArg(t *testing.T, e ast.Expr, consts map[string]string) string {
	t.Helper()
	switch e := e.(type) {
	case *ast.BasicLit:
		s, _ := strconv.Unquote(e.Value)
		return s
	case *ast.Ident:
		if s, ok := consts[e.Name]; ok {
			return s
		}
	}
	t.Fatalf("secret() called with %T, which this test cannot resolve: use a literal or a constant", e)
	return ""
}

// envLine is one setting line of vikalp.env, set or commented out.
var envLine = regexp.MustCompile(`^#?([A-Z][A-Z0-9_]*)=(.*)$`)

// TestEnvFileListsEverySetting: /etc/vikalp/vikalp.env, the package's
// conffile, has a line (set, or commented with its default) for every
// setting Vikalp reads, each explained by a comment naming it; its active
// lines are plain NAME=value that both systemd and sh read the same way.
func TestEnvFileListsEverySetting(t *testing.T) {
	f, err := os.Open(filepath.Join("debian", "vikalp.env"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]bool{}
	explained := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if m := envLine.FindStringSubmatch(line); m != nil {
			listed[m[1]] = true
			if !strings.HasPrefix(line, "#") && !regexp.MustCompile(`^[^\s"'$\x60\\;&|<>()]*$`).MatchString(m[2]) {
				t.Errorf("vikalp.env:%d: %s's value needs quoting; systemd and sh would read it differently", n, m[1])
			}
			continue
		}
		switch {
		case strings.HasPrefix(line, "#"):
			for _, name := range settingName.FindAllString(line, -1) {
				explained[name] = true
			}
		case strings.TrimSpace(line) != "":
			t.Errorf("vikalp.env:%d: neither a comment nor NAME=value: %q", n, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	read := settingsRead(t)
	if len(read) < 30 {
		t.Fatalf("found only %d settings in cmd/vikalp (%v): the scan is broken", len(read), read)
	}
	for _, name := range read {
		if !listed[name] {
			t.Errorf("cmd/vikalp reads %s, but deploy/debian/vikalp.env has no %s= line (set or commented, with its meaning and default)", name, name)
		}
		if !explained[strings.TrimSuffix(name, "_FILE")] && !explained[name] {
			t.Errorf("vikalp.env has no comment explaining %s", name)
		}
	}
	for name := range listed {
		if !slices.Contains(read, name) {
			t.Errorf("vikalp.env lists %s, which cmd/vikalp does not read", name)
		}
	}
}
