package deploy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
)

// DebOptions says what BuildDeb packages and where it writes the result.
type DebOptions struct {
	Root    string // the checkout: deploy/debian/nfpm.yaml and the files it names are read from here
	Binary  string // the built vikalp binary (cgo, with the embedded web app)
	Version string // the Debian version, starting with a digit (e.g. 0.1.0~git202612070436.abc1234)
	Arch    string // the Go architecture (amd64, arm64); nfpm maps it to Debian's name
	OutDir  string // where vikalp_<version>_<arch>.deb is written (created if missing)
}

// BuildDeb builds the Debian package from deploy/debian/nfpm.yaml and
// returns the path of the .deb it wrote.
func BuildDeb(o DebOptions) (string, error) {
	if o.Root == "" || o.Binary == "" || o.Version == "" || o.Arch == "" || o.OutDir == "" {
		return "", errors.New("build deb: Root, Binary, Version, Arch and OutDir are required")
	}
	root, err := filepath.Abs(o.Root)
	if err != nil {
		return "", fmt.Errorf("build deb: %w", err)
	}
	binary, err := filepath.Abs(o.Binary)
	if err != nil {
		return "", fmt.Errorf("build deb: %w", err)
	}
	vars := map[string]string{"BINARY": binary, "VERSION": o.Version, "ARCH": o.Arch}
	cfg, err := nfpm.ParseFileWithEnvMapping(filepath.Join(root, "deploy", "debian", "nfpm.yaml"),
		func(name string) string { return vars[name] })
	if err != nil {
		return "", fmt.Errorf("read nfpm config: %w", err)
	}
	info, err := cfg.Get("deb")
	if err != nil {
		return "", fmt.Errorf("nfpm config for deb: %w", err)
	}
	info = nfpm.WithDefaults(info)
	fromRoot(info, root)
	if err := nfpm.PrepareForPackager(info, "deb"); err != nil {
		return "", fmt.Errorf("prepare deb contents: %w", err)
	}
	packager, err := nfpm.Get("deb")
	if err != nil {
		return "", fmt.Errorf("deb packager: %w", err)
	}
	return writePackage(packager, info, o.OutDir)
}

// writePackage writes info's package into dir under its conventional name
// (vikalp_<version>_<arch>.deb), replacing the file only once it is whole.
func writePackage(packager nfpm.Packager, info *nfpm.Info, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	path := filepath.Join(dir, packager.ConventionalFileName(info))
	tmp, err := os.CreateTemp(dir, ".vikalp-*.deb")
	if err != nil {
		return "", fmt.Errorf("create package file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := packager.Package(info, tmp); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write deb: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write deb: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", fmt.Errorf("write deb: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("write deb: %w", err)
	}
	return path, nil
}

// fromRoot makes the config's relative source paths (contents, maintainer
// scripts) relative to root, the checkout, instead of the working directory.
func fromRoot(info *nfpm.Info, root string) {
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(root, p)
	}
	for _, c := range info.Contents {
		c.Source = abs(c.Source)
	}
	s := &info.Scripts
	s.PreInstall, s.PostInstall, s.PreRemove, s.PostRemove = abs(s.PreInstall), abs(s.PostInstall), abs(s.PreRemove), abs(s.PostRemove)
}
