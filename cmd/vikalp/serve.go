package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/api"
)

func newServeCmd(a *app) *cobra.Command {
	var workers bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API, web app and tiles (and run background workers)",
		Long: `serve listens on VIKALP_ADDR (default :8080) and serves the JSON API under
/api/v1, the web app, map tiles, /healthz, /readyz and /metrics. Unless
--workers=false it also runs the background workers (SLA timers, notification
delivery, media processing, analytics). On SIGINT/SIGTERM it stops accepting
requests and drains in-flight ones for up to 20 seconds.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd.Context(), workers)
		},
	}
	cmd.Flags().BoolVar(&workers, "workers", true, "also run background workers in this process")
	return cmd
}

func (a *app) serve(ctx context.Context, workers bool) error {
	pool, err := a.pool(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()

	svc, err := a.newServices(pool)
	if err != nil {
		return err
	}
	go svc.tiles.RefreshLoop(ctx, a.logger) // low-zoom report clusters; one replica at a time
	hubCtx, stopHub := context.WithCancel(ctx)
	defer stopHub()
	go svc.hub.Run(hubCtx)
	if workers {
		stopWorkers, err := a.startWorkers(ctx, pool, svc)
		if err != nil {
			return err
		}
		defer stopWorkers()
	}

	srv := &http.Server{
		Addr:              a.cfg.Addr,
		Handler:           api.New(a.apiDeps(pool, svc)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      0, // SSE streams stay open; handlers set their own deadlines
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	a.logger.Info("Vikalp serving", slog.String("addr", a.cfg.Addr), slog.Bool("workers", workers))

	select {
	case err := <-errc:
		return fmt.Errorf("listen: %w", err)
	case <-ctx.Done():
	}
	a.logger.Info("Shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// apiDeps builds what the HTTP handlers need.
func (a *app) apiDeps(pool *pgxpool.Pool, svc *services) api.Deps {
	return api.Deps{
		Pool:           pool,
		Logger:         a.logger,
		CookieSecure:   a.cfg.CookieSecure,
		TrustedProxies: a.cfg.TrustedProxies,
		Auth:           svc.auth,
		Cases:          svc.cases,
		Ingest:         svc.ingest,
		PublicRate:     api.RateLimit{PerMinute: a.cfg.PublicRatePerMinute, Burst: a.cfg.PublicBurst},
		Hotspots:       svc.hotspots,
		Leads:          svc.leads,
		Tiles:          svc.tiles,
		Alerts:         svc.alerts,
		AlertHub:       svc.hub,
	}
}
