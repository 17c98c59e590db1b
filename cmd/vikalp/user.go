package main

import "github.com/spf13/cobra"

// newUserCmd is replaced by the auth work; placeholder so the binary builds.
func newUserCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "user", Short: "Manage staff accounts"}
}
