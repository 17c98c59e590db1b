package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/migrations"
)

func newMigrateCmd(a *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Migrate the database to the latest schema (Vikalp's and River's)",
		Long: `migrate applies every pending migration: River's job-queue tables first, then
Vikalp's embedded numbered SQL files. Running it again when nothing is pending
changes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := a.pool(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			res, err := migrations.Up(cmd.Context(), pool, a.logger)
			if err != nil {
				return err
			}
			if len(res.Applied) == 0 && len(res.RiverApplied) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "database is up to date")
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "applied %d river and %d vikalp migrations\n",
				len(res.RiverApplied), len(res.Applied))
			return nil
		},
	}
}
