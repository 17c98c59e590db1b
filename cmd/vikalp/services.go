package main

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/leads"
	"github.com/vikalp/vikalp/notify"
	"github.com/vikalp/vikalp/tiles"
)

// services are the domain services one process runs, built once and shared
// by the HTTP handlers and the background workers.
type services struct {
	keyring *auth.Keyring
	auth    *auth.Service
	cases   *cases.Service
	ingest  *ingest.Service
	// notify drains the SMS outbox that cases, ingest and alerts queue into.
	notify *notify.Service
	// inserter is an insert-only River client: services insert jobs in
	// their own transactions; a separate client works them.
	inserter *river.Client[pgx.Tx]
	// pipeline computes hotspots; hotspots answers the hotspot API.
	pipeline *analytics.Pipeline
	hotspots *analytics.HotspotService
	priority *analytics.PriorityService
	// leads links trafficking tips into leads and runs their workflow.
	leads *leads.Service
	// tiles renders map tiles and caches the public ones.
	tiles *tiles.Service
	// alerts raises and delivers alerts; hub fans their events out to this
	// process's live streams (serve runs it).
	alerts *alerts.Service
	hub    *alerts.Hub
}

// newServices wires every domain service on pool. Tile, hotspot and
// lead-list reads go to read: a streaming replica (see readPool) or pool.
//
// The import direction (README Layout, layers_test.go) decides what is
// injected here: notify sits below cases, ingest and alerts, which all
// queue SMS through it, so its drain gets cases' and ingest's phone
// openers from here; alerts sits above cases and imports it, so cases
// gets alerts as its AlertRaiser.
func (a *app) newServices(pool *pgxpool.Pool, read pg.DBTX) (*services, error) {
	keyring, err := auth.ParseKeyring(a.cfg.DataKeys)
	if err != nil {
		return nil, fmt.Errorf("VIKALP_DATA_KEY: %w", err)
	}
	fpKey, err := fingerprintKey(a.cfg.DataKeys)
	if err != nil {
		return nil, fmt.Errorf("VIKALP_DATA_KEY: %w", err)
	}
	phoneKeys, err := phoneHashKeys(a.cfg.DataKeys)
	if err != nil {
		return nil, fmt.Errorf("VIKALP_DATA_KEY: %w", err)
	}
	authSvc, err := auth.NewService(pool, auth.Config{SessionTTL: a.cfg.SessionTTL, Keyring: keyring}, a.logger)
	if err != nil {
		return nil, fmt.Errorf("start auth service: %w", err)
	}
	// River announces inserted jobs at most once per FetchCooldown; 20 ms
	// (default 100) keeps report → alert latency low (see docs/ALERTS.md).
	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: a.logger,
		FetchCooldown: 20 * time.Millisecond})
	if err != nil {
		return nil, fmt.Errorf("create river inserter: %w", err)
	}
	alertsSvc := alerts.NewService(pool, alerts.Deps{Jobs: inserter, Keyring: keyring, Logger: a.logger,
		Config: alerts.Config{PCRAckTimeout: a.cfg.PCRAckTimeout, AHTUAckTimeout: a.cfg.AHTUAckTimeout,
			WebhookAllowNets: a.cfg.WebhookAllowNets}})
	sms, err := a.smsProvider()
	if err != nil {
		return nil, err
	}
	bucket, err := openMediaBucket(a.cfg.MediaURL)
	if err != nil {
		return nil, err
	}
	ingestSvc, err := ingest.NewService(pool, ingest.Deps{Bucket: bucket, Keyring: keyring, Jobs: inserter, Logger: a.logger,
		Config: ingest.Config{PublicMinReports: a.cfg.HotspotMinReports}, FingerprintKey: fpKey})
	if err != nil {
		return nil, fmt.Errorf("start ingest service: %w", err)
	}
	casesSvc := cases.NewService(pool, cases.Deps{
		Jobs:    inserter,
		Router:  jurisdiction.New(pool),
		Keyring: keyring,
		Alerts:  alertsSvc,
		Photos:  ingestSvc, // complaint photos go through ingest's media pipeline
		Logger:  a.logger,
		// Idempotency fingerprints of her contact details (keyed hashes).
		FingerprintKey: fpKey,
		// The keyed hash of her number that inbound STATUS SMS match.
		PhoneKeys: phoneKeys,
	})
	// The drain opens a sealed number through the package that sealed it.
	notifySvc := notify.NewService(pool, notify.Deps{Provider: sms, Logger: a.logger,
		Openers: map[string]notify.PhoneOpener{notify.ToComplainant: casesSvc, notify.ToReporter: ingestSvc}})
	svc := &services{keyring: keyring, auth: authSvc, cases: casesSvc, ingest: ingestSvc, notify: notifySvc, inserter: inserter,
		alerts: alertsSvc, hub: alerts.NewHub(pool, a.logger.With(slog.String("component", "alert_hub")))}
	svc.pipeline = analytics.NewPipeline(pool, analytics.Config{}, analytics.Deps{Jobs: inserter, Logger: a.logger})
	svc.hotspots = analytics.NewHotspotService(pool, a.cfg.HotspotMinReports)
	svc.hotspots.Read = read
	svc.priority = analytics.NewPriorityService(read)
	if svc.leads, err = leads.NewService(pool, leads.Deps{Jobs: inserter, Logger: a.logger, Read: read}); err != nil {
		return nil, fmt.Errorf("start lead service: %w", err)
	}
	svc.tiles = tiles.NewReplicaService(pool, read, tiles.Config{MinDistinct: a.cfg.HotspotMinReports})
	return svc, nil
}

// fingerprintKey derives the key of the contact hashes in idempotency
// fingerprints (vikalp.ContactFingerprint) from the current data key, the
// first entry of VIKALP_DATA_KEY: every replica derives the same, nobody
// without the data key can. After a key rotation, a retry of a submission
// made before it (within the 24 h replay window) with contact details is
// refused as a conflict instead of replayed.
func fingerprintKey(dataKeys string) ([]byte, error) {
	for _, entry := range strings.Split(dataKeys, ",") {
		if entry = strings.TrimSpace(entry); entry != "" {
			return hkdf.Key(sha256.New, []byte(entry), nil, "vikalp/idempotency/contact-fingerprint/v1", 32)
		}
	}
	return nil, fmt.Errorf("data keys: none given")
}

// phoneHashKeys derives, from each entry of VIKALP_DATA_KEY in order, the
// key of the hash of her number kept for inbound STATUS SMS
// (cases.Deps.PhoneKeys): filings hash under the current key, inbound
// messages are matched under all of them, so a rotation keeps older
// complaints answerable while their data key is listed.
func phoneHashKeys(dataKeys string) ([][]byte, error) {
	var keys [][]byte
	for _, entry := range strings.Split(dataKeys, ",") {
		if entry = strings.TrimSpace(entry); entry == "" {
			continue
		}
		k, err := hkdf.Key(sha256.New, []byte(entry), nil, "vikalp/sms/phone-hash/v1", 32)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("data keys: none given")
	}
	return keys, nil
}

// readPool opens a pool on VIKALP_READ_DATABASE_URL, a streaming replica
// of the primary for reads that tolerate replication lag (tiles, hotspots,
// lead lists), or returns primary when it is unset. Writes, audited reads
// and anything that must see its own writes stay on the primary.
func (a *app) readPool(ctx context.Context, primary *pgxpool.Pool) (*pgxpool.Pool, error) {
	if a.cfg.ReadDatabaseURL == "" {
		return primary, nil
	}
	read, err := pg.Open(ctx, a.cfg.ReadDatabaseURL, a.cfg.MaxDBConns)
	if err != nil {
		return nil, fmt.Errorf("VIKALP_READ_DATABASE_URL: %w", err)
	}
	return read, nil
}

// smsProvider is the HTTP gateway when VIKALP_SMS_URL is set, else the
// outbox-only provider that holds every message.
func (a *app) smsProvider() (notify.Provider, error) {
	if a.cfg.SMSURL == "" {
		return notify.OutboxProvider{}, nil
	}
	p, err := notify.NewHTTPProvider(notify.HTTPConfig{URL: a.cfg.SMSURL, AuthHeader: a.cfg.SMSAuthHeader,
		BodyTemplate: a.cfg.SMSBodyTemplate, ContentType: a.cfg.SMSContentType})
	if err != nil {
		return nil, fmt.Errorf("VIKALP_SMS_*: %w", err)
	}
	return p, nil
}
