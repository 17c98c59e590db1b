package alerts_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/notify"
	"github.com/vikalp/vikalp/testkit"
)

// bundle is an alerts service on a fresh database with the demo
// jurisdictions, an ingest service to file reports, and a controllable clock.
type bundle struct {
	ctx     context.Context
	db      *pgxpool.Pool
	clock   *clock.Fake
	svc     *alerts.Service
	hooks   *notify.Webhooks
	ingest  *ingest.Service
	jobs    *river.Client[pgx.Tx]
	keyring *auth.Keyring
	quiet   *slog.Logger
}

func setup(t *testing.T) *bundle {
	t.Helper()
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	testkit.SeedJurisdictions(ctx, t, db)
	b := &bundle{ctx: ctx, db: db, clock: clock.NewFake(time.Now().UTC().Truncate(time.Second))}
	jobs := testkit.Jobs(t, db)
	quiet := slog.New(slog.DiscardHandler)
	b.jobs, b.keyring, b.quiet = jobs, testkit.Keyring(t), quiet
	b.hooks = b.webhooks(t, notify.WebhookDeps{Clock: b.clock, Logger: quiet,
		Config: notify.WebhookConfig{Backoff: 10 * time.Millisecond, MaxAttempts: 4,
			// The test receivers listen on loopback, which production refuses.
			AllowNets: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}})
	b.svc = newService(t, db, alerts.Deps{Jobs: jobs, Webhooks: b.hooks, Clock: b.clock, Logger: quiet})
	var err error
	b.ingest, err = ingest.NewService(db, ingest.Deps{Bucket: ingesttest.Bucket(t), Keyring: testkit.Keyring(t),
		Jobs: jobs, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// webhooks returns notify.Webhooks on the bundle's database with d, whose
// Jobs, Keyring and Renderer default to the bundle's and alerts'.
func (b *bundle) webhooks(t *testing.T, d notify.WebhookDeps) *notify.Webhooks {
	t.Helper()
	if d.Jobs == nil {
		d.Jobs = b.jobs
	}
	if d.Keyring == nil {
		d.Keyring = b.keyring
	}
	d.Renderer = alerts.NewWebhookRenderer(b.db)
	return notify.NewWebhooks(b.db, d)
}

// newService is alerts.NewService(db, d), failing the test on an error.
func newService(t *testing.T, db *pgxpool.Pool, d alerts.Deps) *alerts.Service {
	t.Helper()
	svc, err := alerts.NewService(db, d)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// user creates a staff principal.
func (b *bundle) user(t *testing.T, role auth.Role, kind auth.ScopeKind, id int64) auth.Principal {
	t.Helper()
	return testkit.User(b.ctx, t, b.db, role, auth.Scope{Kind: kind, ID: id})
}

// report files a "happening now" report at lat, lon and returns the
// HappeningNowArgs job ingest queued with it.
func (b *bundle) report(t *testing.T, lat, lon float64) ingest.HappeningNowArgs {
	t.Helper()
	_, err := b.ingest.SubmitReport(b.ctx, ingest.NewReport{Category: "stalking", Lat: &lat, Lon: &lon,
		HappeningNow: true, Photos: [][]byte{ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 160, Height: 120})}})
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	err = b.db.QueryRow(b.ctx, `SELECT args FROM river_job WHERE kind = 'ingest.happening_now'
		ORDER BY id DESC LIMIT 1`).Scan(&raw)
	if err != nil {
		t.Fatal(err)
	}
	var args ingest.HappeningNowArgs
	if err := json.Unmarshal(raw, &args); err != nil {
		t.Fatal(err)
	}
	return args
}

// raiseReport files a report at lat, lon and raises its alert.
func (b *bundle) raiseReport(t *testing.T, lat, lon float64) (alerts.Alert, ingest.HappeningNowArgs) {
	t.Helper()
	args := b.report(t, lat, lon)
	a, err := b.svc.RaiseHappeningNow(b.ctx, args)
	if err != nil {
		t.Fatal(err)
	}
	return a, args
}

func (b *bundle) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.QueryRow(b.ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var lucknow = testkit.Lucknow
