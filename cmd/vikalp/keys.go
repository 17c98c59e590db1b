package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/app"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/notify"
)

func newKeysCmd(a *cli) *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Manage the data encryption keys"}
	var batch int
	rotate := &cobra.Command{
		Use:   "rotate",
		Short: "Re-encrypt every sealed value under the current data key",
		Long: `rotate re-encrypts every sealed value (complainants' contact details and
replay secrets, complainant phones in the SMS outbox, tip contacts, webhook
secrets, TOTP secrets, and sealed photo originals in the media bucket) under
the current data key: the first one in VIKALP_DATA_KEY.

Procedure: put the new key first and keep the old ones after it
(VIKALP_DATA_KEY="k2:NEW,k1:OLD"), restart the servers so new values are
sealed with k2, run 'vikalp keys rotate', then drop k1 from the list. It runs
online in batches (servers keep reading old values, since they hold every
key), skips values already under the current key, so it can be stopped and
rerun at any time, prints progress and a summary, and is audited.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withServices(cmd.Context(), func(pool *pgxpool.Pool, svc *app.Services) error {
				tables := append(auth.ResealTables(pool), cases.ResealTables(pool)...)
				tables = append(tables, notify.ResealTables(pool)...)
				tables = append(tables, svc.Ingest.ResealTables()...)
				_, err := rotateKeys(cmd.Context(), pool, svc.Keyring, tables, batch, cmd.OutOrStdout())
				return err
			})
		},
	}
	rotate.Flags().IntVar(&batch, "batch", 500, "rows per batch")
	cmd.AddCommand(rotate)
	return cmd
}

// rotateKeys reseals every table under keyring's current key, printing
// progress and a summary to out, and audits the run (also when it fails).
func rotateKeys(ctx context.Context, db pg.DBTX, keyring *auth.Keyring, tables []auth.ResealTable, batch int, out io.Writer) ([]auth.ResealStats, error) {
	start := time.Now()
	fmt.Fprintf(out, "re-encrypting under key %q\n", keyring.Current())
	var all []auth.ResealStats
	var runErr error
	for _, t := range tables {
		st, err := auth.Reseal(ctx, keyring, t, 0, batch, func(st auth.ResealStats) {
			fmt.Fprintf(out, "  %-30s scanned %d, re-encrypted %d\n", st.Name, st.Scanned, st.Resealed)
		})
		all = append(all, st)
		if err != nil {
			runErr = err
			break
		}
	}
	detail := map[string]any{"key_id": keyring.Current(), "ok": runErr == nil}
	var total int64
	for _, st := range all {
		detail[st.Name] = map[string]int64{"scanned": st.Scanned, "resealed": st.Resealed, "skipped": st.Skipped}
		total += st.Resealed
	}
	if _, err := auth.Append(context.WithoutCancel(ctx), db, auth.Entry{Action: "keys.rotated", Detail: detail}); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		return all, fmt.Errorf("keys rotate (rerun to resume): %w", runErr)
	}
	fmt.Fprintf(out, "done: %d values re-encrypted under %q in %s\n", total, keyring.Current(), time.Since(start).Round(time.Millisecond))
	return all, nil
}
