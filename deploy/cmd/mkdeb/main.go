// Command mkdeb builds Vikalp's Debian package (deploy.BuildDeb). It is run
// by `make deb` (scripts/deb.sh), which builds the binary first:
//
//	go run ./deploy/cmd/mkdeb -binary bin/vikalp -version 0.1.0 -arch amd64 -out dist
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"

	"github.com/vikalp/vikalp/deploy"
)

func main() {
	var o deploy.DebOptions
	flag.StringVar(&o.Root, "root", ".", "the checkout (deploy/debian/nfpm.yaml is read from here)")
	flag.StringVar(&o.Binary, "binary", "bin/vikalp", "the vikalp binary to package")
	flag.StringVar(&o.Version, "version", "", "Debian package version (required; starts with a digit)")
	flag.StringVar(&o.Arch, "arch", runtime.GOARCH, "Go architecture of the binary")
	flag.StringVar(&o.OutDir, "out", "dist", "output directory")
	flag.Parse()
	path, err := deploy.BuildDeb(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkdeb:", err)
		os.Exit(1)
	}
	fmt.Println(path)
}
