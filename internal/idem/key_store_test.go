package idem_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/idem"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// errReused stands for a caller's localised refusal.
var errReused = &vikalp.UserError{Kind: vikalp.ErrConflict, Field: "idempotency_key", Code: "idempotency_key_reused",
	Message: "reused"}

type bundle struct {
	ctx context.Context
	db  *pgxpool.Pool
}

func setup(t *testing.T) bundle {
	t.Helper()
	t.Parallel()
	return bundle{ctx: context.Background(), db: pgtest.New(t)}
}

// hash is a 32-byte fingerprint made of b.
func hash(b byte) []byte {
	h := make([]byte, 32)
	for i := range h {
		h[i] = b
	}
	return h
}

func claim(kind, key string, h byte) idem.Claim {
	return idem.Claim{Kind: kind, Key: key, Hash: hash(h), Reused: errReused}
}

// do files a request through idem.Do; the entity it creates gets id and
// counts in created.
func do(b bundle, c idem.Claim, id int64, created *int) (int64, error) {
	return idem.Do(b.ctx, b.db, c, func() (int64, error) {
		err := pg.WithTx(b.ctx, b.db, func(tx pgx.Tx) error {
			return c.Record(b.ctx, tx, id, 1, time.Now())
		})
		if err == nil {
			*created++
		}
		return id, err
	}, func(entityID int64) (int64, error) { return entityID, nil })
}

func TestClaimReplayConflict(t *testing.T) {
	b := setup(t)
	var created int
	c := claim(idem.KindReport, "report-key-0000001", 1)
	if id, err := do(b, c, 7, &created); err != nil || id != 7 || created != 1 {
		t.Fatalf("first request = %d, %v (created %d); want 7", id, err, created)
	}
	t.Run("Replay", func(t *testing.T) {
		if id, err := do(b, c, 8, &created); err != nil || id != 7 || created != 1 {
			t.Fatalf("retry = %d, %v (created %d); want the first answer 7 and nothing created", id, err, created)
		}
	})
	t.Run("OtherContent", func(t *testing.T) {
		if _, err := do(b, claim(idem.KindReport, c.Key, 2), 9, &created); err != errReused {
			t.Fatalf("other content: %v, want the caller's refusal", err)
		}
	})
	t.Run("OtherKindSameScope", func(t *testing.T) {
		if _, err := do(b, claim(idem.KindTip, c.Key, 1), 9, &created); err != errReused {
			t.Fatalf("the report's key as a tip: %v, want the caller's refusal", err)
		}
	})
	t.Run("OtherScopes", func(t *testing.T) {
		if id, err := do(b, claim(idem.KindComplaint, c.Key, 2), 10, &created); err != nil || id != 10 {
			t.Fatalf("the key for a complaint = %d, %v; want a new complaint 10", id, err)
		}
		for _, complaint := range []int64{10, 11} {
			m := claim(idem.KindComplaintMedia, c.Key, 3)
			m.ScopeID = complaint
			if id, err := do(b, m, 1, &created); err != nil || id != 1 {
				t.Fatalf("the key for photos of complaint %d = %d, %v; want photo 1", complaint, id, err)
			}
		}
	})
	t.Run("NoKey", func(t *testing.T) {
		before := created
		for range 2 {
			if _, err := do(b, idem.Claim{Kind: idem.KindReport}, 12, &created); err != nil {
				t.Fatal(err)
			}
		}
		if created != before+2 {
			t.Errorf("created %d without a key, want 2", created-before)
		}
	})
	if created != 6 { // the report, the complaint, two complaints' photos, two without a key
		t.Errorf("created %d entities, want 6", created)
	}
}

func TestRecordTaken(t *testing.T) {
	b := setup(t)
	c := claim(idem.KindComplaint, "complaint-key-0001", 1)
	if err := c.Record(b.ctx, b.db, 1, 1, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := c.Record(b.ctx, b.db, 2, 1, time.Now()); !errors.Is(err, idem.ErrTaken) || !errors.Is(err, vikalp.ErrConflict) {
		t.Fatalf("second record: %v, want ErrTaken (an ErrConflict)", err)
	}
	m := claim(idem.KindComplaintMedia, "attach-key-000001", 2)
	m.ScopeID = 1
	if err := m.Record(b.ctx, b.db, 3, 2, time.Now()); err != nil {
		t.Fatal(err)
	}
	k, err := m.Lookup(b.ctx, b.db)
	if err != nil || k.EntityID != 3 || k.EntityCount != 2 || k.ScopeID != 1 {
		t.Fatalf("lookup = %+v, %v; want photos 3 and 4 of complaint 1", k, err)
	}
	if _, err := claim(idem.KindComplaintMedia, m.Key, 2).Lookup(b.ctx, b.db); !errors.Is(err, vikalp.ErrNotFound) {
		t.Errorf("lookup in another complaint: %v, want ErrNotFound", err)
	}
}

// TestConcurrentClaim: requests racing with one key store one row and all
// get the winner's answer.
func TestConcurrentClaim(t *testing.T) {
	b := setup(t)
	c := claim(idem.KindTip, "race-key-00000001", 1)
	const n = 6
	ids := make([]int64, n)
	errs := make([]error, n)
	var mu sync.Mutex
	var created int
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ids[i], errs[i] = idem.Do(b.ctx, b.db, c, func() (int64, error) {
				err := pg.WithTx(b.ctx, b.db, func(tx pgx.Tx) error {
					if err := c.Record(b.ctx, tx, int64(100+i), 1, time.Now()); err != nil {
						return err
					}
					time.Sleep(20 * time.Millisecond) // hold the key while the others arrive
					return nil
				})
				if err == nil {
					mu.Lock()
					created++
					mu.Unlock()
				}
				return int64(100 + i), err
			}, func(id int64) (int64, error) { return id, nil })
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("request %d = %d, %v; want every one to get %d", i, ids[i], errs[i], ids[0])
		}
	}
	var rows int
	if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM submission_keys WHERE key = $1`, c.Key).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 1 || created != 1 {
		t.Errorf("rows %d, created %d; want 1 and 1", rows, created)
	}
}

func TestForgetHashesAndDelete(t *testing.T) {
	b := setup(t)
	store := idem.NewStore(b.db)
	c := claim(idem.KindComplaint, "complaint-key-0002", 1)
	if err := c.Record(b.ctx, b.db, 5, 1, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := store.ForgetHashes(b.ctx, idem.KindComplaint, []int64{5}); err != nil {
		t.Fatal(err)
	}
	// Without its fingerprint the key answers any content.
	if k, err := claim(idem.KindComplaint, c.Key, 9).Lookup(b.ctx, b.db); err != nil || k.EntityID != 5 || k.RequestHash != nil {
		t.Fatalf("lookup after forgetting = %+v, %v; want complaint 5 without a hash", k, err)
	}
	r := claim(idem.KindReport, "report-key-0000002", 1)
	if err := r.Record(b.ctx, b.db, 5, 1, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := store.ForgetHashes(b.ctx, idem.KindReport, []int64{5}); err == nil {
		t.Error("forgetting a report key's hash succeeded; only complaints may lose theirs")
	}
	if _, err := store.Prune(b.ctx, time.Now().Add(time.Hour), idem.KindComplaint); err == nil {
		t.Error("pruning complaint keys succeeded; they live as long as the complaint")
	}
	if n, err := store.Prune(b.ctx, time.Now().Add(time.Hour), idem.KindReport, idem.KindTip); err != nil || n != 1 {
		t.Errorf("prune = %d, %v; want the report key only", n, err)
	}
	if err := r.Record(b.ctx, b.db, 6, 1, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n, err := store.DeleteEntities(b.ctx, idem.KindReport, []int64{6}); err != nil || n != 1 {
		t.Errorf("delete = %d, %v; want 1", n, err)
	}
	if _, err := store.Get(b.ctx, idem.KindComplaint, 0, c.Key); err != nil {
		t.Errorf("complaint key after prune and delete: %v", err)
	}
}

// TestCreateFirst: with CreateFirst a retry is not looked up first; its
// create finds the key taken and Do answers with the first request's
// entity, or the refusal for other content.
func TestCreateFirst(t *testing.T) {
	b := setup(t)
	c := claim(idem.KindComplaint, "create-first-0001", 1)
	c.CreateFirst = true
	var created int
	if id, err := do(b, c, 7, &created); err != nil || id != 7 || created != 1 {
		t.Fatalf("first = %d, %v (created %d); want 7", id, err, created)
	}
	if id, err := do(b, c, 8, &created); err != nil || id != 7 || created != 1 {
		t.Errorf("retry = %d, %v (created %d); want the first answer, 7, and nothing created", id, err, created)
	}
	other := claim(idem.KindComplaint, c.Key, 2)
	other.CreateFirst = true
	if _, err := do(b, other, 9, &created); !errors.Is(err, errReused) || created != 1 {
		t.Errorf("other content: %v (created %d); want the refusal and nothing created", err, created)
	}
}
