package main

import (
	"context"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/testkit"
)

// TestDigestCommand: `vikalp digest --date` makes the day's digests of
// every district and the state once; a second run makes none.
func TestDigestCommand(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("VIKALP_MEDIA_URL", "file://"+t.TempDir())
	t.Setenv("VIKALP_DATA_KEY", "test:"+strings.Repeat("ab", 32))
	pool, err := pg.Open(ctx, url, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	testkit.SeedJurisdictions(ctx, t, pool)
	var districts int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM districts`).Scan(&districts); err != nil {
		t.Fatal(err)
	}

	out, err := runVikalp(t, "", "digest", "--date", "2026-12-07")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var rows, sms int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM supervisor_digests WHERE day = '2026-12-07'),
		(SELECT count(*) FROM sms_outbox WHERE template LIKE 'digest.%')`).Scan(&rows, &sms); err != nil {
		t.Fatal(err)
	}
	if rows != districts+1 || sms != districts+1 || !strings.Contains(out, "2026-12-07") {
		t.Errorf("%d digests, %d SMS for %d districts and the state; output:\n%s", rows, sms, districts, out)
	}
	out, err = runVikalp(t, "", "digest", "--date", "2026-12-07")
	if err != nil || !strings.Contains(out, ": 0 made") {
		t.Errorf("second run: %v\n%s", err, out)
	}
	if _, err := runVikalp(t, "", "digest", "--date", "7 Dec"); err == nil {
		t.Error("a malformed --date was accepted")
	}
}
