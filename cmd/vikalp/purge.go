package main

import (
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/app"
	"github.com/vikalp/vikalp/ingest"
)

func newPurgeCmd(a *cli) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "purge",
		Short: "Apply the data retention policy now",
		Long: `purge deletes what the retention policy no longer allows Vikalp to keep
(docs/SECURITY.md, "Retention"):

  - rejected public reports moderated more than VIKALP_RETENTION_REJECTED ago
    (default 90d): the report, its photos (rows and every blob) and its
    Idempotency-Key; reports linked to it as duplicates are re-linked;
  - sealed photo originals of reports and tips uploaded more than
    VIKALP_RETENTION_ORIGINALS ago (default 1095d, the legal hold), keeping
    the derivative, the thumbnail and the SHA-256, and marking the photo
    (media.original_purged_at); a tip's original stays while a lead holding
    the tip is open.

Complaints are never touched. The same purge runs daily as a background job.
Each purge transaction is audited with its counts. --dry-run prints what would
be purged and changes nothing.

Example: vikalp purge --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withServices(cmd.Context(), func(_ *pgxpool.Pool, svc *app.Services) error {
				cfg := ingest.RetentionConfig{Rejected: a.cfg.RetentionRejected, Originals: a.cfg.RetentionOriginals}
				sum, err := svc.Ingest.Purge(cmd.Context(), cfg, dryRun)
				printPurge(cmd.OutOrStdout(), sum, dryRun)
				return err
			})
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "count what would be purged, change nothing")
	return cmd
}

// printPurge writes the counts of a purge run.
func printPurge(out io.Writer, sum ingest.PurgeSummary, dryRun bool) {
	verb := "purged"
	if dryRun {
		verb = "would purge (dry run, nothing changed)"
	}
	fmt.Fprintf(out, "%s:\n", verb)
	fmt.Fprintf(out, "  rejected reports      %d\n", sum.Reports)
	fmt.Fprintf(out, "  their photos          %d\n", sum.ReportPhotos)
	fmt.Fprintf(out, "  duplicate links moved %d\n", sum.Relinked)
	fmt.Fprintf(out, "  idempotency keys      %d\n", sum.SubmissionKeys)
	fmt.Fprintf(out, "  sealed originals      %d\n", sum.Originals)
	fmt.Fprintf(out, "originals held for open leads: %d\n", sum.OriginalsHeld)
	if sum.BlobErrors > 0 {
		fmt.Fprintf(out, "blobs not deleted (the orphan sweeper removes them later): %d\n", sum.BlobErrors)
	}
}
