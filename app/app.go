package app

import (
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"gocloud.dev/blob"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/leads"
	"github.com/vikalp/vikalp/notify"
	"github.com/vikalp/vikalp/tiles"
)

// Config is everything the graph is built from. cmd/vikalp fills it from the
// environment (VIKALP_*); app/apitest with test settings.
type Config struct {
	// DataKeys (VIKALP_DATA_KEY) are "id:key[,id:key…]", the first current:
	// the keyring, the idempotency fingerprint key and the phone hash keys
	// are all derived from them.
	DataKeys string
	// SessionTTL is how long a staff session lasts (auth's default when 0);
	// Password sets the password hash cost (auth's default when zero; tests
	// make it cheap).
	SessionTTL time.Duration
	Password   auth.PasswordParams
	// Logger receives every service's log; slog.Default() when nil.
	Logger *slog.Logger
	// Clock tells every service the time; clock.System when nil.
	Clock clock.Clock
	// Bucket holds report and complaint photos (VIKALP_MEDIA_URL); required.
	Bucket *blob.Bucket
	// SMS delivers outbound SMS; nil holds every message in the outbox
	// (notify.OutboxProvider).
	SMS notify.Provider
	// HotspotMinReports is k, the fewest distinct reports a public hotspot
	// cell or listing needs (3 when 0).
	HotspotMinReports int
	// PCRAckTimeout and AHTUAckTimeout are alerts' settings (alerts.Config;
	// its defaults when zero); WebhookAllowNets is notify's
	// (notify.WebhookConfig.AllowNets).
	PCRAckTimeout    time.Duration
	AHTUAckTimeout   time.Duration
	WebhookAllowNets []netip.Prefix

	// CookieSecure, TrustedProxies, PublicRate, SMSInbound and
	// BasemapPMTiles are the HTTP settings of api.Deps.
	CookieSecure   bool
	TrustedProxies []string
	PublicRate     api.RateLimit
	SMSInbound     api.SMSInbound
	BasemapPMTiles string

	// JobTimeout cancels a job that runs longer (River's default when 0);
	// JobRescueAfter hands a job of a dead worker to another (River's hour
	// when 0).
	JobTimeout     time.Duration
	JobRescueAfter time.Duration
	// NoPeriodicJobs leaves the scheduled jobs out of StartWorkers (tests:
	// the periodic hotspot analysis would replace the hex_stats rows a test
	// inserts). AnalyticsInterval, DigestAt (a time of day in IST),
	// RetentionRejected and RetentionOriginals set the scheduled jobs.
	NoPeriodicJobs     bool
	AnalyticsInterval  time.Duration
	DigestAt           time.Duration
	RetentionRejected  time.Duration
	RetentionOriginals time.Duration
}

// Services are the domain services one process runs, built once by Build
// and shared by the HTTP handlers, the background workers and the
// subcommands.
type Services struct {
	Keyring      *auth.Keyring
	Auth         *auth.Service
	Jurisdiction *jurisdiction.Service
	// Places describes where alerts, leads and hotspots are, with a cache
	// shared by every request of this process.
	Places *jurisdiction.Describer
	Cases  *cases.Service
	Ingest *ingest.Service
	// Notify drains the SMS outbox that cases, ingest and alerts queue into;
	// Webhooks delivers the webhooks alerts queues.
	Notify   *notify.Service
	Webhooks *notify.Webhooks
	// Jobs is an insert-only River client: services insert jobs in their
	// own transactions; StartWorkers runs a separate client that works them.
	Jobs *river.Client[pgx.Tx]
	// Pipeline computes hotspots; Hotspots answers the hotspot API and
	// Priority the forecast's priority places.
	Pipeline *analytics.Pipeline
	Hotspots *analytics.HotspotService
	Priority *analytics.PriorityService
	// Leads links trafficking tips into leads and runs their workflow.
	Leads *leads.Service
	// Tiles renders map tiles and caches the public ones.
	Tiles *tiles.Service
	// Alerts raises alerts and runs their lifecycle; Hub fans their events out to this
	// process's live streams (the caller runs it).
	Alerts *alerts.Service
	Hub    *alerts.Hub

	pool *pgxpool.Pool
	cfg  Config
}

// Build wires every domain service on pool. Tile, hotspot, priority and
// lead-list reads go to read: a streaming replica or pool itself. Writes,
// audited reads and anything that must see its own writes stay on pool.
func Build(pool *pgxpool.Pool, read pg.DBTX, cfg Config) (*Services, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.SMS == nil {
		cfg.SMS = notify.OutboxProvider{}
	}
	keys, err := deriveKeys(cfg.DataKeys)
	if err != nil {
		return nil, fmt.Errorf("VIKALP_DATA_KEY: %w", err)
	}
	s := &Services{Keyring: keys.keyring, Jurisdiction: jurisdiction.New(pool),
		Places: jurisdiction.NewDescriber(pool), pool: pool, cfg: cfg}
	if s.Auth, err = auth.NewService(pool, auth.Deps{Logger: cfg.Logger, Clock: cfg.Clock,
		Config: auth.Config{SessionTTL: cfg.SessionTTL, Keyring: keys.keyring, Password: cfg.Password}}); err != nil {
		return nil, fmt.Errorf("start auth service: %w", err)
	}
	// River announces inserted jobs at most once per FetchCooldown; 20 ms
	// (default 100) keeps report → alert latency low (see docs/ALERTS.md).
	if s.Jobs, err = river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: cfg.Logger,
		FetchCooldown: fetchCooldown}); err != nil {
		return nil, fmt.Errorf("create river inserter: %w", err)
	}
	if err := s.buildDomain(keys); err != nil {
		return nil, err
	}
	s.buildReads(read)
	if s.Leads, err = leads.NewService(pool, leads.Deps{Read: read, Jobs: s.Jobs, Logger: cfg.Logger,
		Clock: cfg.Clock}); err != nil {
		return nil, fmt.Errorf("start lead service: %w", err)
	}
	return s, nil
}

// buildDomain wires alerts, ingest, cases and notify, the services a filing
// or a report passes through.
func (s *Services) buildDomain(keys derivedKeys) error {
	cfg, pool := s.cfg, s.pool
	// A webhook's body is the alert event it delivers, rendered by alerts.
	s.Webhooks = notify.NewWebhooks(pool, notify.WebhookDeps{Jobs: s.Jobs, Keyring: keys.keyring,
		Renderer: alerts.NewWebhookRenderer(pool), Clock: cfg.Clock, Logger: cfg.Logger,
		Config: notify.WebhookConfig{AllowNets: cfg.WebhookAllowNets}})
	var err error
	if s.Alerts, err = alerts.NewService(pool, alerts.Deps{Jobs: s.Jobs, Webhooks: s.Webhooks, Logger: cfg.Logger,
		Clock: cfg.Clock, Config: alerts.Config{PCRAckTimeout: cfg.PCRAckTimeout,
			AHTUAckTimeout: cfg.AHTUAckTimeout}}); err != nil {
		return fmt.Errorf("start alert service: %w", err)
	}
	s.Hub = alerts.NewHub(pool, alerts.HubDeps{Logger: cfg.Logger.With(slog.String("component", "alert_hub"))})
	if s.Ingest, err = ingest.NewService(pool, ingest.Deps{Bucket: cfg.Bucket, Keyring: keys.keyring,
		Jobs: s.Jobs, Alerts: s.Alerts, Logger: cfg.Logger, Clock: cfg.Clock, FingerprintKey: keys.fingerprint,
		Config: ingest.Config{PublicMinReports: cfg.HotspotMinReports}}); err != nil {
		return fmt.Errorf("start ingest service: %w", err)
	}
	s.Cases = cases.NewService(pool, cases.Deps{
		Jobs:    s.Jobs,
		Router:  s.Jurisdiction,
		Keyring: keys.keyring,
		Alerts:  s.Alerts,
		Photos:  s.Ingest, // complaint photos go through ingest's media pipeline
		Clock:   cfg.Clock,
		Logger:  cfg.Logger,
		// Idempotency fingerprints of her contact details (keyed hashes).
		FingerprintKey: keys.fingerprint,
		// The keyed hash of her number that inbound STATUS SMS match.
		PhoneKeys: keys.phone,
	})
	// The drain opens a sealed number through the package that sealed it.
	s.Notify = notify.NewService(pool, notify.Deps{Provider: cfg.SMS, Logger: cfg.Logger, Clock: cfg.Clock,
		Openers: map[string]notify.PhoneOpener{notify.ToComplainant: s.Cases, notify.ToReporter: s.Ingest}})
	return nil
}

// buildReads wires the hotspot pipeline and the read-mostly services.
func (s *Services) buildReads(read pg.DBTX) {
	cfg, pool := s.cfg, s.pool
	s.Pipeline = analytics.NewPipeline(pool, analytics.Deps{Jobs: s.Jobs, Logger: cfg.Logger})
	s.Hotspots = analytics.NewHotspotService(pool, analytics.HotspotDeps{Read: read, MinDistinct: cfg.HotspotMinReports})
	s.Priority = analytics.NewPriorityService(read)
	s.Tiles = tiles.NewService(pool, tiles.Deps{Read: read, Config: tiles.Config{MinDistinct: cfg.HotspotMinReports}})
}

// APIDeps is what the HTTP handlers need, with a fresh metrics registry:
// every service api.New requires, and alerts, its hub and the webhooks.
func (s *Services) APIDeps() api.Deps {
	return api.Deps{
		Pool:           s.pool,
		Logger:         s.cfg.Logger,
		Registry:       api.NewRegistry(),
		CookieSecure:   s.cfg.CookieSecure,
		TrustedProxies: s.cfg.TrustedProxies,
		Auth:           s.Auth,
		Jurisdiction:   s.Jurisdiction,
		Places:         s.Places,
		Cases:          s.Cases,
		Ingest:         s.Ingest,
		PublicRate:     s.cfg.PublicRate,
		SMSInbound:     s.cfg.SMSInbound,
		Hotspots:       s.Hotspots,
		Priority:       s.Priority,
		Leads:          s.Leads,
		Tiles:          s.Tiles,
		Alerts:         s.Alerts,
		AlertHub:       s.Hub,
		Webhooks:       s.Webhooks,
		Notify:         s.Notify,
		BasemapPMTiles: s.cfg.BasemapPMTiles,
	}
}
