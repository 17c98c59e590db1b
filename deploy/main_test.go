package deploy

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vikalp/vikalp/internal/vikalpbin"
)

// buildVikalp returns the vikalp binary these tests package and run,
// built once for them all and removed by TestMain.
func buildVikalp(t *testing.T) string { return vikalpbin.Path(t) }

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
	vikalpbin.Cleanup()
	os.Exit(code)
}
