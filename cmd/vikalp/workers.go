package main

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/app"
)

// startWorkers checks the webhook allow-list and starts a River client
// working every job (app.Services.StartWorkers), with the audit
// checkpoints when VIKALP_AUDIT_SIGNING_KEY is set; stop drains it.
func (a *cli) startWorkers(ctx context.Context, pool *pgxpool.Pool, svc *app.Services) (stop func(), err error) {
	if err := checkWebhookPolicy(ctx, svc); err != nil {
		return nil, err
	}
	audit, err := a.auditCheckpoints(pool) // audit_checkpoint.go
	if err != nil {
		return nil, err
	}
	return svc.StartWorkers(ctx, audit)
}

func newWorkCmd(a *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "work",
		Short: "Run background workers only (no HTTP)",
		Long: `work runs the River job workers (SLA timers, notification and webhook delivery,
media processing, periodic analytics) without serving HTTP. Run any number of
these beside 'serve --workers=false' replicas; River hands each job to exactly
one worker. Stops gracefully on SIGINT/SIGTERM.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a.limitWorkerMemory()
			if a.cfg.PprofAddr != "" {
				go a.servePprof(ctx)
			}
			return a.withServices(ctx, func(pool *pgxpool.Pool, svc *app.Services) error {
				stop, err := a.startWorkers(ctx, pool, svc)
				if err != nil {
					return err
				}
				a.logger.Info("Workers running")
				<-ctx.Done()
				stop()
				return nil
			})
		},
	}
}
