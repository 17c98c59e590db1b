// Package vikalpbin builds the vikalp command once per test binary, for the
// tests that run it as a process (cmd/vikalp's process tests, deploy's
// package tests).
package vikalpbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var build struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// Path builds cmd/vikalp on first use (cgo, with the embedded web app as
// `go build` finds it) and returns the binary's path.
func Path(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			build.err = err
			return
		}
		if build.dir, err = os.MkdirTemp("", "vikalp-test-"); err != nil {
			build.err = err
			return
		}
		bin := filepath.Join(build.dir, "vikalp")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/vikalp")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("%w\n%s", err, out)
			return
		}
		build.bin = bin
	})
	if build.err != nil {
		t.Fatalf("build vikalp: %v", build.err)
	}
	return build.bin
}

// Cleanup removes the binary; call it from TestMain after m.Run.
func Cleanup() {
	if build.dir != "" {
		_ = os.RemoveAll(build.dir)
	}
}

// moduleRoot is the directory of the main module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("not inside the vikalp module")
	}
	return filepath.Dir(gomod), nil
}
