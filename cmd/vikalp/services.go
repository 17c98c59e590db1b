package main

import (
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/jurisdiction"
)

// services are the domain services one process runs, built once and shared
// by the HTTP handlers and the background workers.
type services struct {
	keyring *auth.Keyring
	auth    *auth.Service
	cases   *cases.Service
	ingest  *ingest.Service
	// inserter is an insert-only River client: services insert jobs in
	// their own transactions; a separate client works them.
	inserter *river.Client[pgx.Tx]
}

// newServices wires every domain service on pool.
func (a *app) newServices(pool *pgxpool.Pool) (*services, error) {
	keyring, err := auth.ParseKeyring(a.cfg.DataKeys)
	if err != nil {
		return nil, fmt.Errorf("VIKALP_DATA_KEY: %w", err)
	}
	authSvc, err := auth.NewService(pool, auth.Config{SessionTTL: a.cfg.SessionTTL}, a.logger)
	if err != nil {
		return nil, fmt.Errorf("start auth service: %w", err)
	}
	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: a.logger})
	if err != nil {
		return nil, fmt.Errorf("create river inserter: %w", err)
	}
	casesSvc := cases.NewService(pool, cases.Deps{
		Jobs:    inserter,
		Router:  jurisdiction.New(pool),
		Keyring: keyring,
		Logger:  a.logger,
	})
	bucket, err := openMediaBucket(a.cfg.MediaURL)
	if err != nil {
		return nil, err
	}
	ingestSvc, err := ingest.NewService(pool, ingest.Deps{Bucket: bucket, Keyring: keyring, Jobs: inserter, Logger: a.logger})
	if err != nil {
		return nil, fmt.Errorf("start ingest service: %w", err)
	}
	return &services{keyring: keyring, auth: authSvc, cases: casesSvc, ingest: ingestSvc, inserter: inserter}, nil
}
