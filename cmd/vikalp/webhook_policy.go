package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/app"
	"github.com/vikalp/vikalp/notify"
)

// checkWebhookPolicy refuses to start workers whose VIKALP_WEBHOOK_ALLOW_NETS
// is not the allow-list recorded in the database (the first worker records
// its own): a replica with a wider list would deliver webhooks to internal
// addresses the others refuse.
func checkWebhookPolicy(ctx context.Context, svc *app.Services) error {
	err := svc.Webhooks.CheckPolicy(ctx)
	if errors.Is(err, notify.ErrWebhookPolicyMismatch) {
		return fmt.Errorf("VIKALP_WEBHOOK_ALLOW_NETS: %w; give every worker the same setting, "+
			"or, after changing it on all of them, record the new one with `vikalp webhook-policy record`", err)
	}
	if err != nil {
		return fmt.Errorf("check the webhook allow-list: %w", err)
	}
	return nil
}

func newWebhookPolicyCmd(a *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhook-policy",
		Short: "Record the webhook allow-list every worker must share",
		Long: `Webhook receivers may be on internal networks only when VIKALP_WEBHOOK_ALLOW_NETS
allows them. Every worker must enforce the same list, or one with a wider list
would deliver what the others refuse: the first worker to start records its
list in the database, and a worker whose list differs refuses to start (and
to deliver). See docs/SECURITY.md and docs/OPERATIONS.md.`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "record",
		Short: "Record this environment's VIKALP_WEBHOOK_ALLOW_NETS as the list every worker must use",
		Long: `record replaces the recorded webhook allow-list with this environment's
VIKALP_WEBHOOK_ALLOW_NETS (audited). Change the setting on every replica first:
workers still running with the old list stop delivering until restarted with
the new one.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withServices(cmd.Context(), func(_ *pgxpool.Pool, svc *app.Services) error {
				p, err := svc.Webhooks.RecordPolicy(cmd.Context())
				if err != nil {
					return err
				}
				nets := p.AllowNets
				if nets == "" {
					nets = "(none: no internal network)"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "recorded webhook allow-list: %s\n", nets)
				return nil
			})
		},
	})
	return cmd
}
