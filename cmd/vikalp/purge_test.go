package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/testkit"
)

// TestPurgeCommand: `vikalp purge --dry-run` counts a rejected report past
// its retention and an original past the hold and changes nothing; `vikalp
// purge` deletes them (rows and files), audited.
func TestPurgeCommand(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	dir := t.TempDir()
	key := "test:" + strings.Repeat("ab", 32)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("VIKALP_MEDIA_URL", "file://"+dir)
	t.Setenv("VIKALP_DATA_KEY", key)
	t.Setenv("VIKALP_RETENTION_REJECTED", "30d")
	pool, err := pg.Open(ctx, url, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	testkit.SeedJurisdictions(ctx, t, pool)
	bucket, err := openMediaBucket("file://" + dir)
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	jobs, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := ingest.NewService(pool, ingest.Deps{Bucket: bucket, Keyring: mustKeyring(t, key), Jobs: jobs})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, p := range [][2]float64{testkit.Lucknow, testkit.Agra} {
		rec, err := svc.SubmitReport(ctx, ingest.NewReport{Category: "groping",
			Photos: [][]byte{ingesttest.JPEG(t, ingesttest.PhotoOpts{GPS: &p})}})
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, rec.Code)
	}
	mod := testkit.User(ctx, t, pool, auth.RoleModerator, auth.StateScope)
	var rejected int64
	if err := pool.QueryRow(ctx, `SELECT id FROM reports WHERE code = $1`, codes[0]).Scan(&rejected); err != nil {
		t.Fatal(err)
	}
	if err := svc.RejectReport(ctx, mod, rejected, ingest.RejectSpam); err != nil {
		t.Fatal(err)
	}
	// Age the data: the rejection 31 days, the other report's photo 4 years.
	purgeExec(t, pool, `UPDATE reports SET moderated_at = now() - interval '31 days' WHERE id = $1`, rejected)
	purgeExec(t, pool, `UPDATE media SET created_at = now() - interval '4 years' WHERE id IN
		(SELECT media_id FROM report_media rm JOIN reports r ON r.id = rm.report_id WHERE r.code = $1)`, codes[1])
	files := func() int {
		n := 0
		_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, _ error) error {
			if d != nil && !d.IsDir() && !strings.HasSuffix(d.Name(), ".attrs") {
				n++
			}
			return nil
		})
		return n
	}
	if files() != 6 {
		t.Fatalf("%d blob files, want 6", files())
	}

	out, err := runVikalp(t, "", "purge", "--dry-run")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, want := range []string{"would purge", "rejected reports      1", "sealed originals      1"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if n := purgeCount(t, pool, `SELECT count(*) FROM reports`); n != 2 || files() != 6 {
		t.Fatalf("dry run changed something: %d reports, %d files", n, files())
	}

	out, err = runVikalp(t, "", "purge")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(out, "rejected reports      1") || !strings.Contains(out, "sealed originals      1") {
		t.Errorf("purge output:\n%s", out)
	}
	if n := purgeCount(t, pool, `SELECT count(*) FROM reports`); n != 1 {
		t.Errorf("%d reports left, want 1", n)
	}
	if files() != 2 {
		t.Errorf("%d blob files left, want the derivative and thumbnail of the kept report", files())
	}
	if n := purgeCount(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'retention.purged'`); n != 2 {
		t.Errorf("%d purge audit entries, want 2 (reports, originals)", n)
	}
}

func purgeExec(t *testing.T, db pg.DBTX, sql string, args ...any) {
	t.Helper()
	if _, err := db.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func purgeCount(t *testing.T, db pg.DBTX, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}
