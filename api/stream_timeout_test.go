package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/auth"
)

// An alert stream outlives the server's ReadTimeout and WriteTimeout
// (cmd/vikalp sets both): the stream lifts its write deadline, and net/http
// clears the read deadline once a bodiless request is read.
func TestAlertStreamOutlivesServerTimeouts(t *testing.T) {
	b := setupAlerts(t, func(s *http.Server) {
		s.ReadTimeout, s.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond
	})
	c := b.stream(t, b.token(t, auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: 7}), 0)
	time.Sleep(time.Second) // over three times the timeouts
	a, err := b.alerts.RaiseLead(b.ctx, alerts.Lead{LeadID: 1, AHTUID: 7, Score: 50, Reason: "new"})
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := c.next(t, 2*time.Second); !ok || e.kind != "raised" {
		t.Fatalf("stream ended or missed alert %d after the server timeouts: %+v %v", a.ID, e, ok)
	}
}
