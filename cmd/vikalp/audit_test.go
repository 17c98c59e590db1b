package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// TestAuditVerifyCatchesTampering: `vikalp audit verify` passes on an intact
// log and names the row an UPDATE behind its back changed.
func TestAuditVerifyCatchesTampering(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	pool, err := pg.Open(ctx, url, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var ids []int64
	for i := range 5 {
		rec, err := auth.Append(ctx, pool, auth.Entry{Action: "test.event", ObjectKind: "complaint",
			ObjectID: int64(i + 1), Detail: map[string]any{"n": i}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.ID)
	}
	out, err := runVikalp(t, "", "audit", "verify")
	if err != nil || !strings.Contains(out, "intact: 5 rows") {
		t.Fatalf("intact log: %v: %s", err, out)
	}

	// The table refuses UPDATE through a trigger; a superuser can switch
	// triggers off for a session, which is the tampering verify must catch.
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE audit_log SET detail = '{"n": 99}' WHERE id = $1`, ids[2]); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	out, err = runVikalp(t, "", "audit", "verify")
	if err == nil || !strings.Contains(out, fmt.Sprintf("BROKEN at row %d", ids[2])) {
		t.Fatalf("tampered log: %v: %s", err, out)
	}
}
