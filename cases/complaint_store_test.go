package cases_test

import (
	"sync"
	"testing"

	"github.com/vikalp/vikalp/cases"
)

func TestEventsAreAppendOnly(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	if _, err := b.db.Exec(b.ctx, `UPDATE complaint_events SET reason = 'x' WHERE complaint_id = $1`, f.ID); err == nil {
		t.Fatal("UPDATE on complaint_events succeeded")
	}
	if _, err := b.db.Exec(b.ctx, `DELETE FROM complaint_events WHERE complaint_id = $1`, f.ID); err == nil {
		t.Fatal("DELETE on complaint_events succeeded")
	}
}

func TestStoreScopesByVisibility(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	store := cases.NewComplaintStore(b.db)
	other, mine := b.fx.StationA2, b.fx.StationA1
	if _, err := store.ByID(b.ctx, f.ID, cases.Visibility{StationID: &other}); err == nil {
		t.Fatal("ByID ignored the station scope")
	}
	if c, err := store.ByID(b.ctx, f.ID, cases.Visibility{StationID: &mine}); err != nil || c.Code != f.Code {
		t.Fatalf("ByID in scope = %v, %v", c.Code, err)
	}
	if _, err := store.ByID(b.ctx, f.ID, cases.Visibility{DistrictID: &b.fx.DistrictB}); err == nil {
		t.Fatal("ByID ignored the district scope")
	}
}

// TestFileIdempotentConcurrent: simultaneous retries with one key make one
// complaint and all get its code.
func TestFileIdempotentConcurrent(t *testing.T) {
	b := setup(t)
	in := input()
	in.IdempotencyKey = "concurrent-key-1"
	var wg sync.WaitGroup
	codes := make([]cases.Code, 6)
	errs := make([]error, 6)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := b.svc.File(b.ctx, nil, in, cases.English)
			codes[i], errs[i] = f.Code, err
		}()
	}
	wg.Wait()
	for i := range codes {
		if errs[i] != nil || codes[i] != codes[0] {
			t.Fatalf("retry %d: %s, %v; want %s", i, codes[i], errs[i], codes[0])
		}
	}
	if n := b.count(t, `SELECT count(*) FROM complaints`); n != 1 {
		t.Fatalf("%d complaints from concurrent retries; want 1", n)
	}
}
