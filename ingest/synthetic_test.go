package ingest_test

import (
	"context"
	"testing"
	"time"

	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/testkit"
)

func TestImportSynthetic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	testkit.SeedJurisdictions(ctx, t, db)
	end := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	const n = 3000
	var progressed int
	opts := ingest.SyntheticOptions{Count: n, Seed: 7, End: end, Workers: 2,
		Progress: func(generated int) { progressed = generated }}

	sum, err := ingest.ImportSynthetic(ctx, db, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Loaded != n || sum.Generated != n+sum.Outside {
		t.Fatalf("summary %+v, want %d loaded and generated = loaded + outside", sum, n)
	}
	if progressed != sum.Generated {
		t.Errorf("last progress %d, want %d", progressed, sum.Generated)
	}
	var stored, outsideYear, lucknow, categories int
	err = db.QueryRow(ctx, `SELECT count(*),
		count(*) FILTER (WHERE event_at > $1 OR event_at < $1 - interval '366 days'),
		count(*) FILTER (WHERE district_id = 162),
		count(DISTINCT category)
		FROM reports WHERE source_id LIKE 'syn-7-%'`, end).Scan(&stored, &outsideYear, &lucknow, &categories)
	if err != nil {
		t.Fatal(err)
	}
	if stored != n || outsideYear != 0 {
		t.Errorf("stored %d (want %d), %d outside the year before %s", stored, n, outsideYear, end)
	}
	// Lucknow weighs 12 of ~150: expect several percent of the reports, far
	// above the 1/75 an even spread would give.
	if lucknow < n/30 {
		t.Errorf("Lucknow has %d of %d reports, want clustering around big cities", lucknow, n)
	}
	if categories < 7 {
		t.Errorf("%d categories drawn, want the taxonomy spread", categories)
	}

	again, err := ingest.ImportSynthetic(ctx, db, opts)
	if err != nil {
		t.Fatal(err)
	}
	if again.Loaded != 0 || again.AlreadyImported != n {
		t.Errorf("second run %+v, want nothing loaded and %d already imported", again, n)
	}
}

func TestImportSyntheticRefusesZero(t *testing.T) {
	t.Parallel()
	if _, err := ingest.ImportSynthetic(context.Background(), nil, ingest.SyntheticOptions{}); err == nil {
		t.Fatal("want an error for count 0")
	}
}
