// Package apitest runs the real router on app's service graph, built as
// cmd/vikalp builds it but with test settings (a test keyring, cheap password
// hashing, a recording SMS provider, the public rate limit off), on a fresh
// PostGIS test database with the shared UP districts, the demo stations and
// the staff accounts a test asks for. HTTP and browser tests share it.
package apitest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/app"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/leads"
	"github.com/vikalp/vikalp/notify"
)

// SMSSecret is the inbound SMS webhook's shared secret on test servers.
const SMSSecret = "test-sms-gateway-secret"

// DataKeys are the test servers' data keys (the keyring and the keys derived
// from it).
const DataKeys = "test:abababababababababababababababababababababababababababababababab"

// Server is a running test server and the database behind it.
type Server struct {
	*httptest.Server
	Pool *pgxpool.Pool
	// Services is the server's service graph, built by app.Build.
	Services *app.Services
	// Auth is the server's auth service, for accounts a test makes itself.
	Auth *auth.Service
	// Ingest takes hotspot reports and tips (photos in an in-memory bucket).
	Ingest *ingest.Service
	// Alerts, Leads and Hotspots are the graph's services.
	Alerts   *alerts.Service
	Leads    *leads.Service
	Hotspots *analytics.HotspotService
	// SMS records every SMS the outbox drain sends.
	SMS *notify.RecordingProvider
	// Router is the server's Gin engine without the OpenAPI contract check
	// that Server.Config.Handler wraps around it (for engine.Routes()).
	Router *gin.Engine

	// totpMu guards totpUsed: the last TOTP time step handed out per
	// username, so two logins in one step get different codes.
	totpMu   sync.Mutex
	totpUsed map[string]int64
}

// Options turn on the parts of production that Start leaves out and set
// what the graph is built with.
type Options struct {
	// Workers starts a River client working every job cmd/vikalp's workers
	// work (app.Services.Register), without the periodic jobs: the periodic
	// hotspot analysis would replace the hex_stats rows a test inserts.
	Workers bool
	// Logger, when set, receives the log output of every service, the
	// router and the workers (a privacy test searches it); by default
	// everything is discarded.
	Logger *slog.Logger
	// Clock, when set, tells every service the time (a test's clock.Fake);
	// by default the system clock.
	Clock clock.Clock
	// Bucket, when set, holds report and complaint photos (a test that
	// counts its blobs); by default a fresh in-memory bucket.
	Bucket *blob.Bucket
}

// Start seeds the jurisdictions, creates the accounts that users returns
// (each with password), and serves the API on the service graph of
// production (app.Build, the alert hub running), except that no River worker
// runs (jobs are only inserted) and password hashing is cheap.
func Start(t testing.TB, password string, users func(*jurisdiction.Service) []auth.DemoUser) *Server {
	t.Helper()
	return StartWith(t, password, users, Options{})
}

// StartWith is Start with opts.
func StartWith(t testing.TB, password string, users func(*jurisdiction.Service) []auth.DemoUser, opts Options) *Server {
	t.Helper()
	pool := pgtest.New(t)
	seed(t, pool, password, users)
	svc, sms := build(t, pool, opts)
	out := &Server{Pool: pool, Services: svc, Auth: svc.Auth, Ingest: svc.Ingest, Alerts: svc.Alerts,
		Leads: svc.Leads, Hotspots: svc.Hotspots, SMS: sms}
	// Every request under /api/v1 (and the tiles and health checks) and its
	// answer are checked against the OpenAPI document (contract.go);
	// out.Router is the bare engine.
	out.Router = Router(t, svc.APIDeps())
	srv := httptest.NewServer(ValidateContract(t, out.Router))
	t.Cleanup(srv.Close)
	out.Server = srv
	return out
}

// Deps returns the handlers' dependencies from the graph Start serves
// (app.Build with test settings, the alert hub running) on pool, which the
// caller has seeded. It is the one way a test gets an api.Deps: a test may
// then change a setting (PublicRate, TrustedProxies, SMSInbound,
// CookieSecure, Registry, Logger) or turn the alert routes off
// (Alerts = nil), but never builds a service of its own for the router.
func Deps(t testing.TB, pool *pgxpool.Pool, opts Options) api.Deps {
	t.Helper()
	svc, _ := build(t, pool, opts)
	return svc.APIDeps()
}

// Router is api.New(deps), failing the test when deps lacks a required
// service.
func Router(t testing.TB, deps api.Deps) *gin.Engine {
	t.Helper()
	r, err := api.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// build wires app's graph on pool with test settings (a test keyring, cheap
// password hashing, a recording SMS provider, the public rate limit off),
// runs its alert hub and, with opts.Workers, its workers until the test
// ends.
func build(t testing.TB, pool *pgxpool.Pool, opts Options) (*app.Services, *notify.RecordingProvider) {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	if opts.Logger != nil {
		logger = opts.Logger
	}
	bucket := opts.Bucket
	if bucket == nil {
		bucket = memblob.OpenBucket(nil)
		t.Cleanup(func() { _ = bucket.Close() })
	}
	sms := &notify.RecordingProvider{}
	svc, err := app.Build(pool, pool, app.Config{
		DataKeys: DataKeys,
		Password: auth.PasswordParams{Memory: 8 * 1024, Iterations: 1, Parallelism: 1},
		Logger:   logger,
		Clock:    opts.Clock,
		Bucket:   bucket,
		SMS:      sms,
		// Every test of the package shares this server and its one client
		// address, so the public rate limit (tested on its own) is off.
		PublicRate:     api.RateLimit{PerMinute: -1},
		SMSInbound:     api.SMSInbound{Secret: SMSSecret},
		NoPeriodicJobs: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	runHub(t, svc.Hub)
	if opts.Workers {
		stop, err := svc.StartWorkers(context.Background(), app.AuditCheckpoints{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
	}
	return svc, sms
}

// seed adds the jurisdictions and the accounts users returns, each with
// password; accounts whose role requires a second factor get the demo TOTP
// secret (log them in with Server.TOTPCode).
func seed(t testing.TB, pool *pgxpool.Pool, password string, users func(*jurisdiction.Service) []auth.DemoUser) {
	t.Helper()
	ctx := context.Background()
	if _, err := jurisdiction.SeedDemo(ctx, pool, SharedDistricts(t), nil); err != nil {
		t.Fatalf("seed jurisdictions: %v", err)
	}
	accounts := users(jurisdiction.New(pool))
	for i := range accounts {
		accounts[i].Password = password
		if accounts[i].DisplayName == "" {
			accounts[i].DisplayName = accounts[i].Username
		}
	}
	if _, err := auth.SeedDemoUsers(ctx, pool, accounts); err != nil {
		t.Fatalf("seed users: %v", err)
	}
	keyring, err := auth.ParseKeyring(DataKeys)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		if slices.Contains(auth.DefaultTOTPRoles, a.Role) {
			if _, err := auth.SeedDemoTOTP(ctx, pool, keyring, a.Username, auth.DemoTOTPSecret); err != nil {
				t.Fatalf("seed totp of %s: %v", a.Username, err)
			}
		}
	}
}

// runHub runs hub until the test ends and returns once it listens.
func runHub(t testing.TB, hub *alerts.Hub) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		hub.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case <-hub.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("the alert hub did not start")
	}
}

// StationID returns the id of the demo station with code, failing the test
// when it is missing.
func StationID(t testing.TB, j *jurisdiction.Service, code string) int64 {
	t.Helper()
	st, err := j.StationByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("find station %s: %v", code, err)
	}
	return st.ID
}

// SharedDistricts finds ../shared/data/up-districts.geojson beside the
// repository, from a package directory one or two levels deep.
func SharedDistricts(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"../../shared/data/up-districts.geojson", "../../../shared/data/up-districts.geojson", "../shared/data/up-districts.geojson"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("../shared/data/up-districts.geojson not found beside the repository")
	return ""
}

// TOTPCode returns a TOTP code from auth.DemoTOTPSecret for the account
// username (seeded by Start when its role requires a second factor). The
// server accepts each time step once, so a second login in the same step
// gets the next step's code (within the one-step skew) or waits for it.
func (s *Server) TOTPCode(t testing.TB, username string) string {
	t.Helper()
	s.totpMu.Lock()
	defer s.totpMu.Unlock()
	if s.totpUsed == nil {
		s.totpUsed = map[string]int64{}
	}
	now := auth.TOTPStep(time.Now())
	step := max(now, s.totpUsed[username]+1)
	if step > now+1 {
		time.Sleep(time.Until(time.Unix((step-1)*30, 0)))
	}
	s.totpUsed[username] = step
	code, err := auth.TOTPCode(auth.DemoTOTPSecret, step)
	if err != nil {
		t.Fatal(err)
	}
	return code
}
