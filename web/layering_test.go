package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// importFrom matches the module path of an import or export-from line.
var importFrom = regexp.MustCompile(`(?m)^\s*(?:import|export)\b[^'"]*from\s+['"]([^'"]+)['"]`)

// TestComponentsDoNotImportPages: shared components sit below the pages
// that use them (README "Layout"); a component that needs something a page
// owns means that thing belongs beside routes.ts or in components/.
func TestComponentsDoNotImportPages(t *testing.T) {
	err := filepath.WalkDir("src/components", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range importFrom.FindAllStringSubmatch(string(src), -1) {
			if strings.Contains(m[1], "/pages/") || strings.HasPrefix(m[1], "pages/") {
				t.Errorf("%s imports %s: components must not import pages", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
