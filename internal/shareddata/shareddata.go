// Package shareddata finds the project's shared data files (../shared/data
// beside the checkout: district boundaries, railway stations, published
// reference data sets) for tests and benchmarks. The data is read in place,
// never copied into the repository.
package shareddata

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Path returns the path of shared/data/name, looked for in every directory
// from the working directory up (a package's tests run in the package
// directory, so the checkout's parent is found from any depth).
func Path(name string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "shared", "data", name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("shared/data/" + name + " not found above " + dir)
		}
		dir = parent
	}
}

// File is Path that fails the test when the file is missing: the shared data
// is part of the test setup, so a missing file is an error, not a skip.
func File(t testing.TB, name string) string {
	t.Helper()
	p, err := Path(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
