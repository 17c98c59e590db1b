package main

import "github.com/spf13/cobra"

// newSeedCmd is replaced by the jurisdiction work; placeholder so the binary builds.
func newSeedCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "seed", Short: "Load demo data"}
}
