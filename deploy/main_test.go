package deploy

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The vikalp binary these tests package and run, built once for them all
// (cgo, with the embedded web app as `go build` finds it) and removed by
// TestMain.
var vikalpBuild struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// buildVikalp builds cmd/vikalp on first use and returns its path.
func buildVikalp(t *testing.T) string {
	t.Helper()
	vikalpBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "vikalp-deploy-test-")
		if err != nil {
			vikalpBuild.err = err
			return
		}
		vikalpBuild.dir = dir
		bin := filepath.Join(dir, "vikalp")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/vikalp")
		cmd.Dir = repoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			vikalpBuild.err = fmt.Errorf("%w\n%s", err, out)
			return
		}
		vikalpBuild.bin = bin
	})
	if vikalpBuild.err != nil {
		t.Fatalf("build vikalp: %v", vikalpBuild.err)
	}
	return vikalpBuild.bin
}

// repoRoot is the checkout this package lives in.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestMain(m *testing.M) {
	code := m.Run()
	if vikalpBuild.dir != "" {
		os.RemoveAll(vikalpBuild.dir)
	}
	os.Exit(code)
}
