package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/internal/opsmetrics"
)

func newServeCmd(a *cli) *cobra.Command {
	var workers bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API, web app and tiles (and run background workers)",
		Long: `serve listens on VIKALP_ADDR (default :8080) and serves the JSON API under
/api/v1, the web app, map tiles, /healthz and /readyz; Prometheus /metrics is
served on VIKALP_METRICS_ADDR (default 127.0.0.1:9464, empty or "off": none). Unless
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

func (a *cli) serve(ctx context.Context, workers bool) error {
	pool, err := a.pool(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	read, err := a.readPool(ctx, pool)
	if err != nil {
		return err
	}
	if read != pool {
		defer read.Close()
		a.logger.Info("Tiles and analytics reads use the read replica")
	}

	svc, err := a.newServices(pool, read)
	if err != nil {
		return err
	}
	go svc.Tiles.RefreshLoop(ctx, a.logger) // low-zoom report clusters; one replica at a time
	hubCtx, stopHub := context.WithCancel(ctx)
	defer stopHub()
	go svc.Hub.Run(hubCtx)
	if workers {
		stopWorkers, err := a.startWorkers(ctx, pool, svc)
		if err != nil {
			return err
		}
		defer stopWorkers()
	}

	deps := svc.APIDeps()
	router, err := api.New(deps)
	if err != nil {
		return err
	}
	srv := newHTTPServer(a.cfg.Addr, router)
	if a.cfg.PprofAddr != "" {
		go a.servePprof(ctx)
	}
	if a.cfg.MetricsAddr != "" {
		// Database-backed operational gauges, on this registry only (never the public listener).
		deps.Registry.MustRegister(opsmetrics.NewCollector(pool, a.logger, opsmetrics.Config{}))
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", api.MetricsHandler(deps.Registry))
		go a.serveSide(ctx, "metrics", a.cfg.MetricsAddr, mux)
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

// Server timeouts. Together they bound what one slow or hostile client can
// hold: a connection that dribbles its headers (slow loris) is closed after
// ReadHeaderTimeout; an ordinary request must arrive whole within
// ReadTimeout and be answered within WriteTimeout; an idle keep-alive
// connection is closed after IdleTimeout. Two kinds of request replace the
// per-request deadlines through http.ResponseController: the alert stream
// (SSE) lifts the write deadline for as long as the console listens, and
// the upload routes (api: POST /api/v1/reports, /api/v1/tips, Open311) swap
// ReadTimeout for a progress deadline, so a phone on a slow network may take
// minutes as long as bytes keep coming. See docs/OPERATIONS.md.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 2 * time.Minute
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
)

// newHTTPServer returns the API server on addr with Vikalp's timeouts.
func newHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
}

// servePprof serves net/http/pprof on VIKALP_PPROF_ADDR, a separate
// listener that should stay on loopback: profiles show code paths and
// timing, never request data, but they are for operators only.
func (a *cli) servePprof(ctx context.Context) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	a.serveSide(ctx, "profiling", a.cfg.PprofAddr, mux)
}

// serveSide serves h on addr, an operators' listener beside the public one
// (profiling, metrics), until ctx ends. It never stops the process: a busy
// address (two replicas on one host with the default metrics address) is
// logged and the replica serves on without it.
func (a *cli) serveSide(ctx context.Context, what, addr string, h http.Handler) {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	a.logger.Info("Operator listener enabled", slog.String("listener", what), slog.String("addr", addr))
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		a.logger.Warn("Operator listener stopped", slog.String("listener", what),
			slog.String("addr", addr), slog.String("error", err.Error()))
	}
}
