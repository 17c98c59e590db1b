package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vikalp/vikalp/internal/pg"
)

func TestAuditStore(t *testing.T) {
	t.Parallel()

	appendN := func(t *testing.T, b *testBundle, n int) []AuditRecord {
		t.Helper()
		recs := make([]AuditRecord, n)
		for i := range n {
			r, err := Append(b.ctx, b.pool, Entry{ActorUserID: int64(i + 1), ActorRole: RoleNodal,
				Action: "complaint.viewed", ObjectKind: "complaint", ObjectID: int64(100 + i),
				Detail: map[string]any{"i": i}})
			if err != nil {
				t.Fatalf("append %d: %v", i, err)
			}
			recs[i] = r
		}
		return recs
	}

	// tamper runs sql with the append-only triggers disabled, as a superuser
	// could.
	tamper := func(t *testing.T, b *testBundle, sql string, args ...any) {
		t.Helper()
		err := pg.WithTx(b.ctx, b.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(b.ctx, `ALTER TABLE audit_log DISABLE TRIGGER ALL`); err != nil {
				return err
			}
			if _, err := tx.Exec(b.ctx, sql, args...); err != nil {
				return err
			}
			_, err := tx.Exec(b.ctx, `ALTER TABLE audit_log ENABLE TRIGGER ALL`)
			return err
		})
		if err != nil {
			t.Fatalf("tamper: %v", err)
		}
	}

	t.Run("AppendChains", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		recs := appendN(t, b, 3)
		if !bytes.Equal(recs[0].PrevHash, genesisHash) {
			t.Fatalf("first prev_hash = %x, want genesis", recs[0].PrevHash)
		}
		for i := 1; i < len(recs); i++ {
			if !bytes.Equal(recs[i].PrevHash, recs[i-1].Hash) || recs[i].ID <= recs[i-1].ID {
				t.Fatalf("row %d does not chain onto row %d", recs[i].ID, recs[i-1].ID)
			}
		}
	})

	t.Run("AppendSystemActorAndEmptyDetail", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r, err := Append(b.ctx, b.pool, Entry{Action: "seed.run"})
		if err != nil || r.ActorUserID != 0 || string(r.Detail) != "{}" {
			t.Fatalf("Append = %+v, %v", r, err)
		}
		var actorIsNull bool
		if err := b.pool.QueryRow(b.ctx, `SELECT actor_user_id IS NULL FROM audit_log WHERE id = $1`, r.ID).Scan(&actorIsNull); err != nil || !actorIsNull {
			t.Fatalf("system actor stored as NULL = %v, %v", actorIsNull, err)
		}
	})

	t.Run("AppendRejectsBadAction", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		if _, err := Append(b.ctx, b.pool, Entry{Action: "Not An Action"}); err == nil {
			t.Fatal("bad action accepted")
		}
	})

	t.Run("AppendRollsBackWithCallerTx", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		errBoom := errors.New("boom")
		err := pg.WithTx(b.ctx, b.pool, func(tx pgx.Tx) error {
			if _, err := Append(b.ctx, tx, Entry{Action: "user.created"}); err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Fatal(err)
		}
		if got := auditActions(t, b); len(got) != 0 {
			t.Fatalf("rolled-back entry stayed: %v", got)
		}
	})

	t.Run("ConcurrentAppendsStayLinear", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Go(func() {
				_, err := Append(b.ctx, b.pool, Entry{Action: "complaint.viewed", ObjectID: int64(i)})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent append: %v", err)
			}
		}
		st, err := NewAuditStore(b.pool).Verify(b.ctx)
		if err != nil || !st.Intact() || st.Rows != 40 {
			t.Fatalf("Verify after concurrent appends = %+v, %v", st, err)
		}
	})

	t.Run("DetailRoundTripsThroughJSONB", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		// jsonb renders numbers and key order its own way; the hash must
		// cover what is stored, not what Go sent.
		_, err := Append(b.ctx, b.pool, Entry{Action: "x.y", Detail: map[string]any{
			"tiny": 1e-7, "huge": 1e21, "text": "<नमस्ते & \"quotes\">", "zz": []int{3, 1}, "a": nil,
			"big": int64(9007199254740993)}})
		if err != nil {
			t.Fatal(err)
		}
		st, err := NewAuditStore(b.pool).Verify(b.ctx)
		if err != nil || !st.Intact() {
			t.Fatalf("Verify = %+v, %v", st, err)
		}
	})

	t.Run("ListPages", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		recs := appendN(t, b, 5)
		store := NewAuditStore(b.pool)
		page, err := store.List(b.ctx, recs[1].ID, 2)
		if err != nil || len(page) != 2 || page[0].ID != recs[2].ID || page[1].ID != recs[3].ID {
			t.Fatalf("List = %+v, %v", page, err)
		}
		var detail map[string]int
		if err := json.Unmarshal(page[0].Detail, &detail); err != nil || detail["i"] != 2 ||
			page[0].ActorRole != RoleNodal || page[0].ObjectKind != "complaint" || page[0].ObjectID != 102 {
			t.Fatalf("listed row = %+v (%v)", page[0], err)
		}
	})

	t.Run("VerifyEmptyAndIntact", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		store := NewAuditStore(b.pool)
		st, err := store.Verify(b.ctx)
		if err != nil || !st.Intact() || st.Rows != 0 || !bytes.Equal(st.Head, genesisHash) {
			t.Fatalf("Verify empty = %+v, %v", st, err)
		}
		recs := appendN(t, b, 3)
		st, err = store.Verify(b.ctx)
		if err != nil || !st.Intact() || st.Rows != 3 || !bytes.Equal(st.Head, recs[2].Hash) {
			t.Fatalf("Verify intact = %+v, %v", st, err)
		}
	})

	t.Run("VerifyDetectsEditedRow", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		recs := appendN(t, b, 4)
		tamper(t, b, `UPDATE audit_log SET object_id = 999 WHERE id = $1`, recs[1].ID)
		st, err := NewAuditStore(b.pool).Verify(b.ctx)
		if err != nil || st.BrokenID != recs[1].ID {
			t.Fatalf("Verify after edit = %+v, %v; want broken at %d", st, err, recs[1].ID)
		}
	})

	t.Run("VerifyDetectsEditedDetail", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		recs := appendN(t, b, 3)
		tamper(t, b, `UPDATE audit_log SET detail = '{"i": 7}' WHERE id = $1`, recs[2].ID)
		st, err := NewAuditStore(b.pool).Verify(b.ctx)
		if err != nil || st.BrokenID != recs[2].ID {
			t.Fatalf("Verify after detail edit = %+v, %v; want broken at %d", st, err, recs[2].ID)
		}
	})

	t.Run("VerifyDetectsDeletedRow", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		recs := appendN(t, b, 4)
		tamper(t, b, `DELETE FROM audit_log WHERE id = $1`, recs[1].ID)
		st, err := NewAuditStore(b.pool).Verify(b.ctx)
		if err != nil || st.BrokenID != recs[2].ID {
			t.Fatalf("Verify after delete = %+v, %v; want broken at %d", st, err, recs[2].ID)
		}
	})

	t.Run("VerifyDetectsDeletedFirstRow", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		recs := appendN(t, b, 2)
		tamper(t, b, `DELETE FROM audit_log WHERE id = $1`, recs[0].ID)
		st, err := NewAuditStore(b.pool).Verify(b.ctx)
		if err != nil || st.BrokenID != recs[1].ID {
			t.Fatalf("Verify after deleting the first row = %+v, %v", st, err)
		}
	})

	t.Run("TriggersRefuseChanges", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		appendN(t, b, 1)
		for _, sql := range []string{
			`UPDATE audit_log SET action = 'x.y'`,
			`DELETE FROM audit_log`,
			`TRUNCATE audit_log`,
		} {
			_, err := b.pool.Exec(b.ctx, sql)
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
				t.Errorf("%s: error = %v, want insufficient_privilege", sql, err)
			}
		}
		if got := auditActions(t, b); len(got) != 1 || got[0] != "complaint.viewed" {
			t.Fatalf("audit log changed: %v", got)
		}
	})
}
