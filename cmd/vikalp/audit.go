package main

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/auth"
)

func newAuditCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check the tamper-evident audit log",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "Walk the audit log's hash chain and report the first broken row",
		Long: `verify recomputes every audit log row's hash from its contents and its
predecessor's hash. An edited row, a deleted or reordered row (its successor
no longer links to it) is reported by id, and the command exits non-zero.

The hash of the last row (the head) is printed: keep it somewhere the
database administrator cannot write (a ticket, a signed e-mail) and compare
it later, because deleting the newest rows leaves no gap to find.

Example: vikalp audit verify`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := a.pool(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			st, err := auth.NewAuditStore(pool).Verify(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if !st.Intact() {
				fmt.Fprintf(out, "audit log BROKEN at row %d (checked %d rows; last intact head %s)\n",
					st.BrokenID, st.Rows, hex.EncodeToString(st.Head))
				return errors.New("audit log verification failed")
			}
			fmt.Fprintf(out, "audit log intact: %d rows, head %s\n", st.Rows, hex.EncodeToString(st.Head))
			return nil
		},
	})
	return cmd
}
