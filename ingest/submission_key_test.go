package ingest_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/idem"
	"github.com/vikalp/vikalp/testkit"
)

func TestSubmitReportIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	photo := photoAt(t, testkit.Lucknow)
	in := ingest.NewReport{Category: "stalking", Text: "रोज़ शाम", Photos: [][]byte{photo}, IdempotencyKey: "report-key-0000001"}

	first, err := b.svc.SubmitReport(b.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := b.svc.SubmitReport(b.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if first.Replayed || !again.Replayed || again.Code != first.Code || again.Status != first.Status {
		t.Fatalf("first %+v, retry %+v: want the same code, the retry marked replayed", first, again)
	}
	if n := b.count(t, `SELECT count(*) FROM reports`); n != 1 {
		t.Errorf("reports = %d, want 1", n)
	}
	if n := ingesttest.BlobCount(b.ctx, t, b.bucket); n != 3 {
		t.Errorf("blobs = %d, want the first submission's 3", n)
	}

	t.Run("ReusedForOtherContent", func(t *testing.T) {
		other := in
		other.Text = "something else"
		_, err := b.svc.SubmitReport(b.ctx, other)
		wantKindError(t, err, vikalp.ErrConflict, "idempotency_key_reused")
	})
	t.Run("ReusedForATip", func(t *testing.T) {
		_, err := b.svc.SubmitTip(b.ctx, ingest.NewTip{Text: "a tip", IdempotencyKey: "report-key-0000001",
			Places: []ingest.TipPlace{{Lat: testkit.Lucknow[0], Lon: testkit.Lucknow[1]}}})
		wantKindError(t, err, vikalp.ErrConflict, "idempotency_key_reused")
	})
	t.Run("InvalidKey", func(t *testing.T) {
		for _, key := range []string{"has space 0123456789", "1", "fifteen-chars-x"} {
			bad := in
			bad.IdempotencyKey = key
			_, err := b.svc.SubmitReport(b.ctx, bad)
			wantUserError(t, err, "idempotency_key_invalid")
		}
	})
	if n := b.count(t, `SELECT count(*) FROM reports`); n != 1 {
		t.Errorf("after refused retries reports = %d, want 1", n)
	}
}

func TestSubmitReportIdempotentConcurrent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := ingest.NewReport{Category: "groping", Photos: [][]byte{photoAt(t, testkit.Lucknow)}, IdempotencyKey: "race-key-00000001"}
	const n = 4
	codes := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			rec, err := b.svc.SubmitReport(b.ctx, in)
			codes[i], errs[i] = rec.Code, err
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || codes[i] != codes[0] {
			t.Fatalf("submission %d: %q, %v; want every one to get %q", i, codes[i], errs[i], codes[0])
		}
	}
	if got := b.count(t, `SELECT count(*) FROM reports`); got != 1 {
		t.Errorf("reports = %d, want 1", got)
	}
	if got := ingesttest.BlobCount(b.ctx, t, b.bucket); got != 3 {
		t.Errorf("blobs = %d, want 3: the losers' blobs must be removed", got)
	}
}

func TestSubmitTipIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := ingest.NewTip{Text: "two girls taken towards the border", IdempotencyKey: "tip-key-000000001",
		Places:  []ingest.TipPlace{{Lat: testkit.Lucknow[0], Lon: testkit.Lucknow[1]}},
		Contact: &ingest.TipContact{Phone: "9123456780"}, ConsentContact: true}
	first, err := b.svc.SubmitTip(b.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := b.svc.SubmitTip(b.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if again.Code != first.Code || !again.Replayed {
		t.Fatalf("first %+v, retry %+v", first, again)
	}
	if n := b.count(t, `SELECT count(*) FROM tips`); n != 1 {
		t.Errorf("tips = %d, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'ingest.tip_received'`); n != 1 {
		t.Errorf("tip_received jobs = %d, want 1", n)
	}
	// The same key with another informant's contact is other content.
	for _, c := range []*ingest.TipContact{{Phone: "9123456781"}, {Phone: "9123456780", Name: "R"}, nil} {
		other := in
		other.Contact = c
		_, err := b.svc.SubmitTip(b.ctx, other)
		wantKindError(t, err, vikalp.ErrConflict, "idempotency_key_reused")
	}
}

func TestSubmissionKeyPrune(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if _, err := b.svc.SubmitReport(b.ctx, ingest.NewReport{Category: "other",
		Photos: [][]byte{photoAt(t, testkit.Lucknow)}, IdempotencyKey: "old-key-000000001"}); err != nil {
		t.Fatal(err)
	}
	store := idem.NewStore(b.db)
	if n, err := store.Prune(b.ctx, time.Now().Add(-time.Hour), idem.KindReport, idem.KindTip); err != nil || n != 0 {
		t.Fatalf("prune before the key = %d, %v; want 0", n, err)
	}
	if n, err := store.Prune(b.ctx, time.Now().Add(time.Hour), idem.KindReport, idem.KindTip); err != nil || n != 1 {
		t.Fatalf("prune after the key = %d, %v; want 1", n, err)
	}
	if _, err := store.Get(b.ctx, idem.KindReport, 0, "old-key-000000001"); !errors.Is(err, vikalp.ErrNotFound) {
		t.Errorf("get pruned key: %v, want ErrNotFound", err)
	}
}

// wantKindError fails unless err is a user error of kind with code.
func wantKindError(t *testing.T, err error, kind error, code string) {
	t.Helper()
	ue, ok := vikalp.AsUserError(err)
	if !errors.Is(err, kind) || !ok || ue.Code != code {
		t.Fatalf("err = %v, want %v with code %s", err, kind, code)
	}
}
