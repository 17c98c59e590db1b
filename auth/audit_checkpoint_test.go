package auth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"log/slog"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"

	"github.com/vikalp/vikalp/internal/pg"
)

// testAuditKey is a fixed signing key for checkpoint tests.
var testAuditKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

type checkpointBundle struct {
	*testBundle
	bucket *blob.Bucket
	cpr    *AuditCheckpointer
	log    *bytes.Buffer
}

func setupCheckpoints(t *testing.T) *checkpointBundle {
	t.Helper()
	b := setup(t)
	bucket, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bucket.Close() })
	var log bytes.Buffer
	cpr, err := NewAuditCheckpointer(b.pool, AuditCheckpointDeps{Key: testAuditKey, Bucket: bucket,
		Logger: slog.New(slog.NewJSONHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return &checkpointBundle{testBundle: b, bucket: bucket, cpr: cpr, log: &log}
}

func (b *checkpointBundle) append(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		if _, err := Append(b.ctx, b.pool, Entry{ActorUserID: int64(i + 1), ActorRole: RoleNodal,
			Action: "complaint.identity_decrypted", ObjectKind: "complaint", ObjectID: int64(500 + i)}); err != nil {
			t.Fatal(err)
		}
	}
}

func (b *checkpointBundle) checkpoint(t *testing.T) AuditCheckpoint {
	t.Helper()
	cp, err := b.cpr.Checkpoint(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

// check runs CheckCheckpoints on what the bucket holds.
func (b *checkpointBundle) check(t *testing.T) CheckpointReport {
	t.Helper()
	cps, err := ReadAuditCheckpoints(b.ctx, b.bucket)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := NewAuditStore(b.pool).CheckCheckpoints(b.ctx, []ed25519.PublicKey{b.cpr.PublicKey()}, cps)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// asOwner runs fn with the append-only triggers off, as the database owner
// (or a superuser) can.
func (b *checkpointBundle) asOwner(t *testing.T, fn func(tx pgx.Tx) error) {
	t.Helper()
	err := pg.WithTx(b.ctx, b.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(b.ctx, `ALTER TABLE audit_log DISABLE TRIGGER ALL`); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		_, err := tx.Exec(b.ctx, `ALTER TABLE audit_log ENABLE TRIGGER ALL`)
		return err
	})
	if err != nil {
		t.Fatalf("tamper as owner: %v", err)
	}
}

// rewriteChain edits one row and then recomputes every prev_hash and hash
// from the documented canonical form, as an attacker with the database
// owner's rights would, so the stored chain is consistent again.
func (b *checkpointBundle) rewriteChain(t *testing.T, edit string, args ...any) {
	t.Helper()
	b.asOwner(t, func(tx pgx.Tx) error {
		if _, err := tx.Exec(b.ctx, edit, args...); err != nil {
			return err
		}
		recs, err := NewAuditStore(tx).List(b.ctx, 0, 1000)
		if err != nil {
			return err
		}
		prev := make([]byte, sha256.Size)
		for _, r := range recs {
			h := chainHash(prev, r)
			if _, err := tx.Exec(b.ctx, `UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3`, prev, h, r.ID); err != nil {
				return err
			}
			prev = h
		}
		return nil
	})
}

func wantFailure(t *testing.T, rep CheckpointReport, substr string) {
	t.Helper()
	if rep.OK() || len(rep.Failures) == 0 {
		t.Fatalf("report = %+v, want a failure %q", rep, substr)
	}
	for _, f := range rep.Failures {
		if strings.Contains(f.Reason, substr) {
			return
		}
	}
	t.Fatalf("failures = %+v, want one %q", rep.Failures, substr)
}

func TestAuditCheckpoint(t *testing.T) {
	t.Parallel()

	t.Run("IntactChainPasses", func(t *testing.T) {
		t.Parallel()
		b := setupCheckpoints(t)
		b.checkpoint(t) // of the empty chain
		b.append(t, 3)
		cp := b.checkpoint(t)
		b.append(t, 2)
		b.checkpoint(t)
		if cp.Rows != 3 || cp.HeadID == 0 || len(cp.Signature) != ed25519.SignatureSize {
			t.Fatalf("checkpoint = %+v", cp)
		}
		rep := b.check(t)
		if !rep.OK() || rep.Checked != 3 || rep.Chain.Rows != 5 {
			t.Fatalf("report = %+v, want 3 checkpoints holding on 5 rows", rep)
		}
	})

	t.Run("RewriteOfWholeChainFails", func(t *testing.T) {
		t.Parallel()
		b := setupCheckpoints(t)
		b.append(t, 5)
		cp := b.checkpoint(t)
		b.append(t, 1)
		b.rewriteChain(t, `UPDATE audit_log SET object_id = 999 WHERE id = (SELECT min(id) + 1 FROM audit_log)`)
		st, err := NewAuditStore(b.pool).Verify(b.ctx)
		if err != nil || !st.Intact() || st.Rows != 6 {
			t.Fatalf("plain Verify = %+v, %v; a consistent rewrite should pass it", st, err)
		}
		rep := b.check(t)
		wantFailure(t, rep, "rewritten")
		if rep.Failures[0].Checkpoint.ObjectKey() != cp.ObjectKey() || !rep.Chain.Intact() {
			t.Fatalf("failure names %q, want %q", rep.Failures[0].Checkpoint.Source, cp.ObjectKey())
		}
	})

	t.Run("DeletedRowAndRewriteFails", func(t *testing.T) {
		t.Parallel()
		b := setupCheckpoints(t)
		b.append(t, 4)
		b.checkpoint(t)
		// Delete an early row, rewrite the chain and append two rows so the
		// count grows past the checkpoint's again.
		b.rewriteChain(t, `DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)`)
		b.append(t, 2)
		wantFailure(t, b.check(t), "rewritten")
	})

	t.Run("TruncationFails", func(t *testing.T) {
		t.Parallel()
		b := setupCheckpoints(t)
		b.append(t, 5)
		b.checkpoint(t)
		b.asOwner(t, func(tx pgx.Tx) error {
			_, err := tx.Exec(b.ctx, `DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT 2)`)
			return err
		})
		if st, err := NewAuditStore(b.pool).Verify(b.ctx); err != nil || !st.Intact() {
			t.Fatalf("plain Verify = %+v, %v; dropping the newest rows leaves no gap", st, err)
		}
		wantFailure(t, b.check(t), "truncated: it counts 5 rows, the chain has 3 now")
	})

	t.Run("ForgedCheckpointFails", func(t *testing.T) {
		t.Parallel()
		b := setupCheckpoints(t)
		b.append(t, 3)
		good := b.checkpoint(t)
		altered := good
		altered.Rows = 2 // a forger lowering the count to hide a truncation
		other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
		foreign := good.Sign(other)
		store := NewAuditStore(b.pool)
		for name, cp := range map[string]AuditCheckpoint{"altered": altered, "other key": foreign} {
			rep, err := store.CheckCheckpoints(b.ctx, []ed25519.PublicKey{b.cpr.PublicKey()}, []AuditCheckpoint{good, cp})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Checked != 2 || len(rep.Failures) != 1 {
				t.Fatalf("%s: report = %+v, want the forged one only failing", name, rep)
			}
			wantFailure(t, rep, map[string]string{"altered": "signature does not verify", "other key": "signed by key"}[name])
		}
	})

	t.Run("RotatedKeysEachVerifyTheirOwn", func(t *testing.T) {
		t.Parallel()
		b := setupCheckpoints(t)
		b.append(t, 2)
		old := b.checkpoint(t)
		b.append(t, 1)
		newKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, ed25519.SeedSize))
		head, err := NewAuditStore(b.pool).Head(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		cps := []AuditCheckpoint{old, head.Sign(newKey)}
		keys := []ed25519.PublicKey{b.cpr.PublicKey(), newKey.Public().(ed25519.PublicKey)}
		rep, err := NewAuditStore(b.pool).CheckCheckpoints(b.ctx, keys, cps)
		if err != nil || !rep.OK() || rep.Checked != 2 {
			t.Fatalf("report = %+v, %v; want both checkpoints holding under their own keys", rep, err)
		}
		rep, err = NewAuditStore(b.pool).CheckCheckpoints(b.ctx, keys[:1], cps)
		if err != nil {
			t.Fatal(err)
		}
		wantFailure(t, rep, "signed by key")
	})

	t.Run("PublishesOnceInBucketAndLog", func(t *testing.T) {
		t.Parallel()
		b := setupCheckpoints(t)
		b.append(t, 2)
		cp := b.checkpoint(t)
		if !strings.HasPrefix(cp.ObjectKey(), AuditCheckpointPrefix) {
			t.Fatalf("object key %q", cp.ObjectKey())
		}
		err := b.bucket.WriteAll(b.ctx, cp.ObjectKey(), []byte("{}"), &blob.WriterOptions{IfNotExist: true})
		if err == nil {
			t.Fatal("a checkpoint object was overwritten")
		}
		logged, err := ParseAuditCheckpoints(b.log, "log")
		if err != nil || len(logged) != 1 || logged[0].Rows != 2 || logged[0].VerifySignature(b.cpr.PublicKey()) != nil {
			t.Fatalf("logged checkpoints = %+v, %v; log:\n%s", logged, err, b.log)
		}
	})

	t.Run("KeysParseFromHexAndBase64", func(t *testing.T) {
		t.Parallel()
		seed := testAuditKey.Seed()
		for _, s := range []string{"0707070707070707070707070707070707070707070707070707070707070707",
			"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=", " BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc\n"} {
			k, err := ParseAuditSigningKey(s)
			if err != nil || !bytes.Equal(k.Seed(), seed) {
				t.Errorf("ParseAuditSigningKey(%q) = %v", s, err)
			}
		}
		if _, err := ParseAuditSigningKey("short"); err == nil {
			t.Error("a short key was accepted")
		}
	})
}
