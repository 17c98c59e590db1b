package ingest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/testkit"
)

// retentionSetup is setup with a service on a controllable clock.
func retentionSetup(t *testing.T) (*bundle, *clock.Fake) {
	t.Helper()
	b := setup(t)
	clock := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	svc, err := ingest.NewService(b.db, ingest.Deps{Bucket: b.bucket, Keyring: testkit.Keyring(t),
		Jobs: testkit.Jobs(t, b.db), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	b.svc = svc
	return b, clock
}

// report files one report with a photo at p in category and returns its id.
func (b *bundle) report(t *testing.T, p [2]float64, category, key string) int64 {
	t.Helper()
	rec, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: category, Text: "secret words",
		Photos: [][]byte{photoAt(t, p)}, IdempotencyKey: key})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM reports WHERE code = $1`, rec.Code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// prefixOf returns the blob prefix of report id's first photo.
func (b *bundle) prefixOf(t *testing.T, reportID int64) string {
	t.Helper()
	var prefix string
	err := b.db.QueryRow(b.ctx, `SELECT m.blob_prefix FROM report_media rm JOIN media m ON m.id = rm.media_id
		WHERE rm.report_id = $1 AND rm.n = 1`, reportID).Scan(&prefix)
	if err != nil {
		t.Fatal(err)
	}
	return prefix
}

func (b *bundle) blobExists(t *testing.T, key string) bool {
	t.Helper()
	ok, err := b.bucket.Exists(b.ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// Rejected reports go with their photos, blobs and keys after the
// retention period, re-linking the reports that were their duplicates;
// everything else stays; a dry run counts the same and changes nothing.
func TestPurgeRejectedReports(t *testing.T) {
	t.Parallel()
	b, clock := retentionSetup(t)
	mod := testkit.User(b.ctx, t, b.db, auth.RoleModerator, stateScope)
	// W stands, X duplicates it and is rejected: W's count drops back.
	w := b.report(t, testkit.Varanasi, "groping", "")
	x := b.report(t, testkit.Varanasi, "groping", "retention-key-x-0001")
	// A stands and is rejected; B and C duplicate it and survive.
	a := b.report(t, testkit.Lucknow, "stalking", "retention-key-a-0001")
	rb := b.report(t, testkit.Lucknow, "stalking", "")
	rc := b.report(t, testkit.Lucknow, "stalking", "")
	if n := b.count(t, `SELECT also_reported FROM reports WHERE id = $1`, a); n != 2 {
		t.Fatalf("A also_reported = %d, want 2", n)
	}
	for _, id := range []int64{x, a} {
		if err := b.svc.RejectReport(b.ctx, mod, id, ingest.RejectSpam); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.svc.ApproveReport(b.ctx, mod, rc); err != nil {
		t.Fatal(err)
	}
	prefixX, prefixA, prefixW := b.prefixOf(t, x), b.prefixOf(t, a), b.prefixOf(t, w)
	cfg := ingest.RetentionConfig{Rejected: 90 * 24 * time.Hour}

	clock.Advance(89 * 24 * time.Hour)
	sum, err := b.svc.Purge(b.ctx, cfg, false)
	if err != nil || sum.Reports != 0 || sum.Originals != 0 {
		t.Fatalf("purge before 90 days = %+v, %v; want nothing", sum, err)
	}

	clock.Advance(2 * 24 * time.Hour)
	dry, err := b.svc.Purge(b.ctx, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	want := ingest.PurgeSummary{Reports: 2, ReportPhotos: 2, Relinked: 2, SubmissionKeys: 2}
	if dry != want {
		t.Errorf("dry run = %+v, want %+v", dry, want)
	}
	if n := b.count(t, `SELECT count(*) FROM reports`); n != 5 {
		t.Fatalf("dry run deleted reports: %d left", n)
	}
	audits := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'retention.purged'`)

	sum, err = b.svc.Purge(b.ctx, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	if sum != want {
		t.Errorf("purge = %+v, want %+v", sum, want)
	}
	if n := b.count(t, `SELECT count(*) FROM reports WHERE id IN ($1, $2)`, x, a); n != 0 {
		t.Errorf("%d rejected reports left", n)
	}
	if n := b.count(t, `SELECT count(*) FROM media`); n != 3 {
		t.Errorf("media rows = %d, want the 3 of W, B, C", n)
	}
	if n := b.count(t, `SELECT count(*) FROM submission_keys`); n != 0 {
		t.Errorf("submission keys = %d, want 0", n)
	}
	for _, p := range []string{prefixX, prefixA} {
		if b.blobExists(t, p+"/derivative.jpg") || b.blobExists(t, p+"/original.sealed") {
			t.Errorf("blobs of purged report under %s still there", p)
		}
	}
	if !b.blobExists(t, prefixW+"/original.sealed") {
		t.Error("standing report's original deleted")
	}
	if n := ingesttest.BlobCount(b.ctx, t, b.bucket); n != 9 {
		t.Errorf("blobs = %d, want 9 (3 reports × 3)", n)
	}
	// W counts no rejected duplicate; B stands for A's group, C links to it.
	var wAlso, bAlso int
	var bDup, cDup *int64
	err = b.db.QueryRow(b.ctx, `SELECT (SELECT also_reported FROM reports WHERE id = $1),
		(SELECT also_reported FROM reports WHERE id = $2), (SELECT duplicate_of FROM reports WHERE id = $2),
		(SELECT duplicate_of FROM reports WHERE id = $3)`, w, rb, rc).Scan(&wAlso, &bAlso, &bDup, &cDup)
	if err != nil {
		t.Fatal(err)
	}
	if wAlso != 0 || bAlso != 1 || bDup != nil || cDup == nil || *cDup != rb {
		t.Errorf("links after purge: W also %d, B also %d dup %v, C dup %v; want 0, 1, nil, B=%d",
			wAlso, bAlso, bDup, cDup, rb)
	}
	// Audited with counts, never contents.
	var detail string
	err = b.db.QueryRow(b.ctx, `SELECT detail::text FROM audit_log WHERE action = 'retention.purged'
		AND detail->>'what' = 'rejected_reports'`).Scan(&detail)
	if err != nil {
		t.Fatalf("no audit entry for the purge: %v", err)
	}
	if !strings.Contains(detail, `"reports": 2`) || strings.Contains(detail, "secret") {
		t.Errorf("audit detail = %s", detail)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'retention.purged'`); n != audits+1 {
		t.Errorf("audit entries of the run = %d, want 1", n-audits)
	}

	again, err := b.svc.Purge(b.ctx, cfg, false)
	if err != nil || again.Reports != 0 {
		t.Errorf("second purge = %+v, %v; want nothing", again, err)
	}
}

// Sealed originals of reports and tips go after the legal hold, keeping
// the derivative, the SHA-256 and a marker, except a tip's while a lead
// holding it is open.
func TestPurgeOriginals(t *testing.T) {
	t.Parallel()
	b, clock := retentionSetup(t)
	report := b.report(t, testkit.Agra, "other", "")
	tips := map[string]int64{}
	for _, name := range []string{"open", "closed", "alone"} {
		id, _ := b.tipFixture(t)
		tips[name] = id
	}
	for name, status := range map[string]string{"open": "investigating", "closed": "closed"} {
		var lead int64
		err := b.db.QueryRow(b.ctx, `INSERT INTO leads (status, created_at, updated_at) VALUES ($1, now(), now())
			RETURNING id`, status).Scan(&lead)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.db.Exec(b.ctx, `INSERT INTO lead_members (tip_id, lead_id, via, joined_at)
			VALUES ($1, $2, 'pipeline', now())`, tips[name], lead); err != nil {
			t.Fatal(err)
		}
	}
	prefixes := map[string]string{"report": b.prefixOf(t, report)}
	for name, id := range tips {
		var p string
		if err := b.db.QueryRow(b.ctx, `SELECT m.blob_prefix FROM tip_media tm JOIN media m ON m.id = tm.media_id
			WHERE tm.tip_id = $1`, id).Scan(&p); err != nil {
			t.Fatal(err)
		}
		prefixes[name] = p
	}
	cfg := ingest.RetentionConfig{}

	clock.Advance(3*365*24*time.Hour - time.Hour)
	if sum, err := b.svc.Purge(b.ctx, cfg, false); err != nil || sum.Originals != 0 {
		t.Fatalf("purge inside the hold = %+v, %v", sum, err)
	}
	clock.Advance(2 * time.Hour)
	dry, err := b.svc.Purge(b.ctx, cfg, true)
	want := ingest.PurgeSummary{Originals: 3, OriginalsHeld: 1}
	if err != nil || dry != want {
		t.Errorf("dry run = %+v, %v; want %+v", dry, err, want)
	}
	if !b.blobExists(t, prefixes["report"]+"/original.sealed") {
		t.Fatal("dry run deleted an original")
	}
	sum, err := b.svc.Purge(b.ctx, cfg, false)
	if err != nil || sum != want {
		t.Fatalf("purge = %+v, %v; want %+v", sum, err, want)
	}
	for name, p := range prefixes {
		gone := name != "open"
		if b.blobExists(t, p+"/original.sealed") == gone {
			t.Errorf("%s: original present = %v, want %v", name, !gone, !gone)
		}
		if !b.blobExists(t, p+"/derivative.jpg") || !b.blobExists(t, p+"/thumb.jpg") {
			t.Errorf("%s: derivative or thumbnail deleted", name)
		}
		var marked bool
		var shaLen int
		if err := b.db.QueryRow(b.ctx, `SELECT original_purged_at IS NOT NULL, length(sha256) FROM media
			WHERE blob_prefix = $1`, p).Scan(&marked, &shaLen); err != nil {
			t.Fatal(err)
		}
		if marked != gone || shaLen != 32 {
			t.Errorf("%s: marked %v (want %v), sha256 %d bytes", name, marked, gone, shaLen)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'retention.purged'
		AND detail->>'what' = 'originals' AND (detail->>'originals')::int = 3`); n != 1 {
		t.Errorf("originals purge audited %d times, want 1", n)
	}

	// Closing the lead releases its tip's original on the next run.
	if _, err := b.db.Exec(b.ctx, `UPDATE leads SET status = 'closed'`); err != nil {
		t.Fatal(err)
	}
	sum, err = b.svc.Purge(b.ctx, cfg, false)
	if err != nil || sum.Originals != 1 || sum.OriginalsHeld != 0 {
		t.Errorf("purge after closing = %+v, %v; want 1 original", sum, err)
	}
	if b.blobExists(t, prefixes["open"]+"/original.sealed") {
		t.Error("original of the closed lead's tip still there")
	}
}

// PurgeWorker runs the policy its job carries.
func TestPurgeWorker(t *testing.T) {
	t.Parallel()
	b, clock := retentionSetup(t)
	id := b.report(t, testkit.Lucknow, "groping", "")
	mod := testkit.User(b.ctx, t, b.db, auth.RoleModerator, stateScope)
	if err := b.svc.RejectReport(b.ctx, mod, id, ingest.RejectAbuse); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Hour)
	w := &ingest.PurgeWorker{Service: b.svc}
	job := &river.Job[ingest.PurgeArgs]{Args: ingest.PurgeArgs{Rejected: time.Hour, Originals: 10 * 365 * 24 * time.Hour}}
	if err := w.Work(b.ctx, job); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM reports`); n != 0 {
		t.Errorf("reports = %d after the job, want 0", n)
	}
}
