package main

import "github.com/spf13/cobra"

// newImportCmd is replaced by the jurisdiction work; placeholder so the binary builds.
func newImportCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "import", Short: "Import jurisdictions"}
}
