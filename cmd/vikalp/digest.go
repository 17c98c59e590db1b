package main

import (
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/app"
	"github.com/vikalp/vikalp/cases"
)

func newDigestCmd(a *cli) *cobra.Command {
	var date string
	cmd := &cobra.Command{
		Use:   "digest [--date YYYY-MM-DD]",
		Short: "Make the supervisors' daily digest now",
		Long: `digest makes the daily digest of one IST day (default: the latest day whose
VIKALP_DIGEST_AT has passed) for every district and the state, as of now, and
queues its SMS to each district's SP and nodal officer and to the MSP (counts
only). The workers do the same every morning; a scope that already has the
day's digest is skipped, so running it again sends nothing twice.

Example: vikalp digest --date 2026-12-07`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			day := cases.DigestDay(time.Now(), a.cfg.DigestAt)
			if date != "" {
				var err error
				if day, err = time.Parse(time.DateOnly, date); err != nil {
					return fmt.Errorf("--date must look like 2026-12-07, not %q", date)
				}
			}
			return a.withServices(cmd.Context(), func(_ *pgxpool.Pool, svc *app.Services) error {
				made, err := svc.Cases.MakeDigests(cmd.Context(), day)
				if err != nil {
					return err
				}
				printDigests(cmd.OutOrStdout(), day, made)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "the IST day (YYYY-MM-DD) to make the digest of")
	return cmd
}

// printDigests writes how many digests a run made and the state's counts.
func printDigests(out io.Writer, day time.Time, made []cases.Digest) {
	fmt.Fprintf(out, "digest of %s: %d made (scopes that had one already are skipped)\n", day.Format(time.DateOnly), len(made))
	for _, d := range made {
		if d.ScopeKind == cases.DigestState {
			fmt.Fprintf(out, "  state: new %d, ATRs overdue %d, awaiting vetting %d, directions open %d, dissatisfied %d\n",
				d.NewComplaints, d.OverdueATRs, d.AwaitingVetting, d.DirectionsOpen, d.DissatisfiedOpen)
		}
	}
}
