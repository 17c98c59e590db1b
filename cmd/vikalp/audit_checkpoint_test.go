package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// TestAuditVerifyCheckpointsCatchesRewrite: a rewrite of the whole chain
// with the database owner's rights (every hash recomputed) passes plain
// `audit verify` but fails `audit verify --checkpoints`, naming the
// checkpoint; an intact chain passes both; a forged checkpoint fails.
func TestAuditVerifyCheckpointsCatchesRewrite(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	media := t.TempDir()
	t.Setenv("DATABASE_URL", url)
	t.Setenv("VIKALP_MEDIA_URL", "file://"+media)
	t.Setenv("VIKALP_AUDIT_SIGNING_KEY", "demo")
	pool, err := pg.Open(ctx, url, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	appendEvents := func(n int) {
		for i := range n {
			if _, err := auth.Append(ctx, pool, auth.Entry{Action: "complaint.identity_decrypted",
				ObjectKind: "complaint", ObjectID: int64(i + 1)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	appendEvents(5)
	out, err := runVikalp(t, "", "audit", "checkpoint")
	if err != nil || !strings.Contains(out, `"rows":5`) {
		t.Fatalf("audit checkpoint: %v: %s", err, out)
	}
	objects, _ := filepath.Glob(filepath.Join(media, "audit-checkpoints", "*.json"))
	if len(objects) != 1 {
		t.Fatalf("checkpoint objects = %v, want 1", objects)
	}
	appendEvents(2)
	pubOut, err := runVikalp(t, "", "audit", "public-key")
	if err != nil {
		t.Fatal(err)
	}
	pub := strings.Fields(pubOut)[0]

	for _, src := range []string{"file://" + media, media} {
		out, err = runVikalp(t, "", "audit", "verify", "--checkpoints", src, "--public-key", pub)
		if err != nil || !strings.Contains(out, "checked 1 checkpoints") || !strings.Contains(out, "intact: 7 rows") {
			t.Fatalf("intact chain with checkpoints from %s: %v: %s", src, err, out)
		}
	}

	rewriteAuditChain(ctx, t, pool)
	out, err = runVikalp(t, "", "audit", "verify")
	if err != nil || !strings.Contains(out, "intact: 7 rows") {
		t.Fatalf("plain verify after a consistent rewrite should pass: %v: %s", err, out)
	}
	out, err = runVikalp(t, "", "audit", "verify", "--checkpoints", "file://"+media)
	if err == nil || !strings.Contains(out, "checkpoint FAILED") || !strings.Contains(out, "rewritten") ||
		!strings.Contains(out, filepath.Base(objects[0])) {
		t.Fatalf("verify --checkpoints after a rewrite: %v: %s", err, out)
	}

	// A forged checkpoint (the count lowered, the signature kept) in a
	// directory fails as forged, with --public-key given.
	forged := t.TempDir()
	raw, err := os.ReadFile(objects[0])
	if err != nil {
		t.Fatal(err)
	}
	raw = []byte(strings.Replace(string(raw), `"rows":5`, `"rows":4`, 1))
	if err := os.WriteFile(filepath.Join(forged, "cp.json"), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	other := hex.EncodeToString(ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey))
	out, err = runVikalp(t, "", "audit", "verify", "--checkpoints", forged, "--public-key", pub)
	if err == nil || !strings.Contains(out, "signature does not verify") || !strings.Contains(out, "cp.json") {
		t.Fatalf("forged checkpoint: %v: %s", err, out)
	}
	out, err = runVikalp(t, "", "audit", "verify", "--checkpoints", "file://"+media, "--public-key", other)
	if err == nil || !strings.Contains(out, "signed by key") {
		t.Fatalf("checkpoints under another public key: %v: %s", err, out)
	}
	// After a rotation both keys are given; each checkpoint is checked with
	// its own (here: the rewrite is still found).
	out, err = runVikalp(t, "", "audit", "verify", "--checkpoints", "file://"+media, "--public-key", other, "--public-key", pub)
	if err == nil || strings.Contains(out, "signed by key") || !strings.Contains(out, "rewritten") {
		t.Fatalf("checkpoints with two public keys: %v: %s", err, out)
	}
}

// rewriteAuditChain edits the second row and recomputes every hash from
// the canonical form documented in auth/doc.go, as an attacker with the
// database owner's rights would (no code of ours used).
func rewriteAuditChain(ctx context.Context, t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	err := pg.WithTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE audit_log SET object_id = 999
			WHERE id = (SELECT id FROM audit_log ORDER BY id OFFSET 1 LIMIT 1)`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, at, coalesce(actor_user_id::text, ''), actor_role, action,
			object_kind, object_id, detail::text FROM audit_log ORDER BY id`)
		if err != nil {
			return err
		}
		type row struct {
			id     int64
			fields []string
		}
		var all []row
		for rows.Next() {
			var (
				id, objectID                      int64
				at                                time.Time
				actor, role, action, kind, detail string
			)
			if err := rows.Scan(&id, &at, &actor, &role, &action, &kind, &objectID, &detail); err != nil {
				return err
			}
			all = append(all, row{id, []string{strconv.FormatInt(id, 10), at.UTC().Format("2006-01-02T15:04:05.000000Z"),
				actor, role, action, kind, strconv.FormatInt(objectID, 10), detail}})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		prev := make([]byte, 32)
		for _, r := range all {
			h := sha256.New()
			h.Write(prev)
			for _, f := range r.fields {
				h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(f))))
				h.Write([]byte(f))
			}
			sum := h.Sum(nil)
			if _, err := tx.Exec(ctx, `UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3`, prev, sum, r.id); err != nil {
				return err
			}
			prev = sum
		}
		return nil
	})
	if err != nil {
		t.Fatalf("rewrite the chain: %v", err)
	}
}

// TestAddAuditCheckpoints: workers publish checkpoints only with a signing
// key, need one in production, refuse the demo key there and an interval
// longer than an hour.
func TestAddAuditCheckpoints(t *testing.T) {
	media := "file://" + t.TempDir()
	for _, tc := range []struct {
		name, env, key, interval string
		jobs                     int
		err                      string
	}{
		{name: "DevelopmentWithoutKey", env: "development"},
		{name: "DevelopmentDemoKey", env: "development", key: "demo", jobs: 1},
		{name: "ProductionKey", env: "production", key: strings.Repeat("ab", 32), jobs: 1},
		{name: "ProductionWithoutKey", env: "production", err: "VIKALP_AUDIT_SIGNING_KEY (or VIKALP_AUDIT_SIGNING_KEY_FILE) is required in production"},
		{name: "ProductionDemoKey", env: "production", key: "demo", err: "refused in production"},
		{name: "BadKey", env: "development", key: "abc", err: "VIKALP_AUDIT_SIGNING_KEY: audit signing key"},
		{name: "IntervalOverAnHour", env: "development", key: "demo", interval: "2h", err: "at most 1h"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("VIKALP_AUDIT_SIGNING_KEY", tc.key)
			t.Setenv("VIKALP_AUDIT_SIGNING_KEY_FILE", "")
			t.Setenv("VIKALP_AUDIT_CHECKPOINT_INTERVAL", tc.interval)
			a := &cli{cfg: Config{Env: tc.env, MediaURL: media}, logger: slog.New(slog.DiscardHandler)}
			audit, err := a.auditCheckpoints(&pgxpool.Pool{})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			jobs := 0
			if audit.Checkpointer != nil {
				jobs = 1
			}
			if err != nil || jobs != tc.jobs {
				t.Fatalf("jobs = %d, %v; want %d", jobs, err, tc.jobs)
			}
		})
	}
}
