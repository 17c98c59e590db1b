// Package apitest runs the real router and services on a fresh PostGIS test
// database with the shared UP districts, the demo stations and the staff
// accounts a test asks for. HTTP and browser tests share it.
package apitest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"gocloud.dev/blob/memblob"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/leads"
	"github.com/vikalp/vikalp/notify"
)

// SMSSecret is the inbound SMS webhook's shared secret on test servers.
const SMSSecret = "test-sms-gateway-secret"

// Server is a running test server and the database behind it.
type Server struct {
	*httptest.Server
	Pool *pgxpool.Pool
	// Auth is the server's auth service, for accounts a test makes itself.
	Auth *auth.Service
	// Ingest takes hotspot reports and tips (photos in an in-memory bucket).
	Ingest *ingest.Service
	// Alerts, Leads and Hotspots are set by StartWith (nil after Start).
	Alerts   *alerts.Service
	Leads    *leads.Service
	Hotspots *analytics.HotspotService
	// Router is the server's Gin engine without the OpenAPI contract check
	// that Server.Config.Handler wraps around it (for engine.Routes()).
	Router *gin.Engine

	// totpMu guards totpUsed: the last TOTP time step handed out per
	// username, so two logins in one step get different codes.
	totpMu   sync.Mutex
	totpUsed map[string]int64
}

// Options turn on the parts of production that Start leaves out.
type Options struct {
	// Workers wires alerts (service, hub and SSE stream), leads and the
	// hotspot API as cmd/vikalp does, and starts a River client working the
	// jobs cmd/vikalp registers (cases, alerts, the lead pipeline) except
	// the periodic hotspot analysis, which would replace the hex_stats rows
	// a test inserts. Complaints raise their alerts as in production.
	Workers bool
	// Logger, when set, receives the log output of every service, the
	// router and the workers (a privacy test searches it); by default
	// everything is discarded.
	Logger *slog.Logger
}

// Start seeds the jurisdictions, creates the accounts that users returns
// (each with password), and serves the API with auth, cases and ingest wired as in
// production, except that no River worker runs (jobs are only inserted) and
// password hashing is cheap.
func Start(t testing.TB, password string, users func(*jurisdiction.Service) []auth.DemoUser) *Server {
	t.Helper()
	return StartWith(t, password, users, Options{})
}

// StartWith is Start with opts.
func StartWith(t testing.TB, password string, users func(*jurisdiction.Service) []auth.DemoUser, opts Options) *Server {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	if _, err := jurisdiction.SeedDemo(ctx, pool, SharedDistricts(t), nil); err != nil {
		t.Fatalf("seed jurisdictions: %v", err)
	}
	j := jurisdiction.New(pool)
	accounts := users(j)
	for i := range accounts {
		accounts[i].Password = password
		if accounts[i].DisplayName == "" {
			accounts[i].DisplayName = accounts[i].Username
		}
	}
	if _, err := auth.SeedDemoUsers(ctx, pool, accounts); err != nil {
		t.Fatalf("seed users: %v", err)
	}
	keyring, err := auth.ParseKeyring("test:" + strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	// Accounts whose role requires a second factor get the demo TOTP
	// secret; log them in with Server.TOTPCode.
	for _, a := range accounts {
		if slices.Contains(auth.DefaultTOTPRoles, a.Role) {
			if _, err := auth.SeedDemoTOTP(ctx, pool, keyring, a.Username, auth.DemoTOTPSecret); err != nil {
				t.Fatalf("seed totp of %s: %v", a.Username, err)
			}
		}
	}
	authSvc, err := auth.NewService(pool, auth.Config{Keyring: keyring,
		Password: auth.PasswordParams{Memory: 8 * 1024, Iterations: 1, Parallelism: 1}}, opts.Logger)
	if err != nil {
		t.Fatal(err)
	}
	riverCfg := &river.Config{} // insert-only
	if opts.Workers {
		// As in cmd/vikalp: River announces inserts at most once per cooldown.
		riverCfg.FetchCooldown = 20 * time.Millisecond
	}
	inserter, err := river.NewClient(riverpgxv5.New(pool), riverCfg)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	if opts.Logger != nil {
		quiet = opts.Logger
	}
	bucket := memblob.OpenBucket(nil)
	t.Cleanup(func() { _ = bucket.Close() })
	ingestSvc, err := ingest.NewService(pool, ingest.Deps{Bucket: bucket, Keyring: keyring, Jobs: inserter, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	casesDeps := cases.Deps{Jobs: inserter, Router: j, Keyring: keyring, Logger: quiet, Photos: ingestSvc}
	var alertsSvc *alerts.Service
	if opts.Workers {
		alertsSvc = alerts.NewService(pool, alerts.Deps{Jobs: inserter, Keyring: keyring, Logger: quiet})
		casesDeps.Alerts = alertsSvc
	}
	casesSvc := cases.NewService(pool, casesDeps)
	out := &Server{Pool: pool, Auth: authSvc, Ingest: ingestSvc}
	// Every test of the package shares this server and its one client
	// address, so the public rate limit (tested on its own) is off.
	deps := api.Deps{Pool: pool, Auth: authSvc, Cases: casesSvc, Ingest: ingestSvc,
		Logger: quiet, PublicRate: api.RateLimit{PerMinute: -1}, SMSInbound: api.SMSInbound{Secret: SMSSecret}}
	if opts.Workers {
		leadsSvc, err := leads.NewService(pool, leads.Deps{Jobs: inserter, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		out.Alerts, out.Leads = alertsSvc, leadsSvc
		out.Hotspots = analytics.NewHotspotService(pool, 3)
		deps.Alerts, deps.Leads, deps.Hotspots = alertsSvc, leadsSvc, out.Hotspots
		deps.Priority = analytics.NewPriorityService(pool)
		deps.AlertHub = StartHub(t, pool, quiet)
		// As in cmd/vikalp: the drain opens a sealed number through the
		// package that sealed it (no gateway: RecordingProvider).
		drain := notify.NewService(pool, notify.Deps{Logger: quiet,
			Openers: map[string]notify.PhoneOpener{notify.ToComplainant: casesSvc, notify.ToReporter: ingestSvc}})
		startWorkers(t, pool, quiet, drain, casesSvc, alertsSvc, leadsSvc)
	}
	// Every request under /api/v1 (and the tiles and health checks) and its
	// answer are checked against the OpenAPI document (contract.go);
	// out.Router is the bare engine.
	out.Router = api.New(deps)
	srv := httptest.NewServer(ValidateContract(t, out.Router))
	t.Cleanup(srv.Close)
	out.Server = srv
	return out
}

// StartHub runs an alert hub (LISTEN/NOTIFY fan-out) on pool until the test
// ends, and returns it once it listens.
func StartHub(t testing.TB, pool *pgxpool.Pool, logger *slog.Logger) *alerts.Hub {
	t.Helper()
	hub := alerts.NewHub(pool, logger)
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
	return hub
}

// startWorkers works jobs as cmd/vikalp's registerWorkers does, without
// the hotspot analysis (see Options.Workers).
func startWorkers(t testing.TB, pool *pgxpool.Pool, logger *slog.Logger, n *notify.Service, c *cases.Service,
	a *alerts.Service, l *leads.Service) {
	t.Helper()
	workers := river.NewWorkers()
	notify.AddWorkers(workers, n)
	cases.AddWorkers(workers, c)
	alerts.AddWorkers(workers, a)
	river.AddWorker(workers, &leads.TipWorker{Leads: l})
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: logger, Workers: workers,
		FetchCooldown: 20 * time.Millisecond, JobTimeout: time.Minute,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatalf("start workers: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := client.Stop(ctx); err != nil {
			_ = client.StopAndCancel(context.Background())
		}
	})
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
