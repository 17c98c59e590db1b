package ingest_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"gocloud.dev/blob"

	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/testkit"
)

// bundle is what a service test works with.
type bundle struct {
	ctx    context.Context
	db     *pgxpool.Pool
	bucket *blob.Bucket
	svc    *ingest.Service
}

// setup returns a fresh database with the demo jurisdictions, an in-memory
// bucket and a Service on them.
func setup(t *testing.T) *bundle {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	testkit.SeedJurisdictions(ctx, t, db)
	b := &bundle{ctx: ctx, db: db, bucket: ingesttest.Bucket(t)}
	b.svc = b.service(t, testkit.Jobs(t, db))
	return b
}

// service returns a Service on the bundle's database and bucket with jobs.
func (b *bundle) service(t *testing.T, jobs ingest.JobInserter) *ingest.Service {
	t.Helper()
	svc, err := ingest.NewService(b.db, ingest.Deps{Bucket: b.bucket, Keyring: testkit.Keyring(t), Jobs: jobs,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// count runs a count query (test constants only).
func (b *bundle) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.QueryRow(b.ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// wantNothingStored fails unless no report, tip, media row or blob exists.
func (b *bundle) wantNothingStored(t *testing.T) {
	t.Helper()
	for _, table := range []string{"reports", "tips", "tip_places", "media", "report_media", "tip_media"} {
		if n := b.count(t, "SELECT count(*) FROM "+table); n != 0 {
			t.Errorf("%s has %d rows, want 0", table, n)
		}
	}
	if n := ingesttest.BlobCount(b.ctx, t, b.bucket); n != 0 {
		t.Errorf("bucket holds %d blobs, want 0", n)
	}
}

func ptr[T any](v T) *T { return &v }
