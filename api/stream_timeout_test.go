package api_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// An alert stream outlives the server's ReadTimeout and WriteTimeout
// (cmd/vikalp sets both): the stream lifts its write deadline, and net/http
// clears the read deadline once a bodiless request is read.
func TestAlertStreamOutlivesServerTimeouts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	ingesttest.SeedJurisdictions(ctx, t, db)
	quiet := slog.New(slog.DiscardHandler)
	svc := alerts.NewService(db, alerts.Deps{Jobs: ingesttest.Jobs(t, db), Keyring: ingesttest.Keyring(t), Logger: quiet})
	authSvc, err := auth.NewService(db, auth.Config{Password: auth.PasswordParams{Memory: 1024, Iterations: 1, Parallelism: 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hub := alerts.NewHub(db, quiet)
	hubCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { hub.Run(hubCtx); close(done) }()
	<-hub.Ready()
	srv := httptest.NewUnstartedServer(api.New(api.Deps{Pool: db, Auth: authSvc, Alerts: svc, AlertHub: hub, Logger: quiet}))
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond
	srv.Start()
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close(); cancel(); <-done })

	p := ingesttest.User(ctx, t, db, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: 7})
	_, tok, err := authSvc.CreateToken(ctx, auth.Principal{}, p.Username, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	c := openStream(t, srv.URL, "Bearer "+tok, 0)
	time.Sleep(time.Second) // over three times the timeouts
	a, err := svc.RaiseLead(ctx, alerts.Lead{LeadID: 1, AHTUID: 7, Score: 50, Reason: "new"})
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := c.next(t, 2*time.Second); !ok || e.kind != "raised" {
		t.Fatalf("stream ended or missed alert %d after the server timeouts: %+v %v", a.ID, e, ok)
	}
}
