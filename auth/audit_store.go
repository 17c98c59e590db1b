package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// AuditStore appends to and reads the audit_log table.
type AuditStore struct{ db pg.DBTX }

// NewAuditStore returns an AuditStore on db.
func NewAuditStore(db pg.DBTX) *AuditStore { return &AuditStore{db: db} }

// auditLockKey is the advisory lock that serialises appends ("VIKALPAU").
const auditLockKey int64 = 0x56494B414C504155

var actionPattern = regexp.MustCompile(`^[a-z][a-z0-9_.]*$`)

const auditLockSQL = `SELECT pg_advisory_xact_lock($1)`

// The id is drawn and the time read under the lock, so ids, times and the
// chain all advance together. $1::jsonb::text is the form jsonb will store,
// which is what the hash must cover.
const auditHeadSQL = `
SELECT nextval(pg_get_serial_sequence('audit_log', 'id')),
       clock_timestamp(),
       $1::jsonb::text,
       (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1)`

const auditInsertSQL = `
INSERT INTO audit_log (id, at, actor_user_id, actor_role, action, object_kind, object_id, detail, prev_hash, hash)
VALUES ($1, $2, NULLIF($3::bigint, 0), $4, $5, $6, $7, $8::jsonb, $9, $10)`

// Append adds e as the newest row of the chain. It runs in a transaction (a
// savepoint when db is one) and takes a transaction-scoped advisory lock, so
// concurrent appends queue and the chain stays linear.
func (s *AuditStore) Append(ctx context.Context, e Entry) (AuditRecord, error) {
	if !actionPattern.MatchString(e.Action) {
		return AuditRecord{}, fmt.Errorf("append audit entry: bad action %q", e.Action)
	}
	detail := []byte("{}")
	if len(e.Detail) > 0 {
		var err error
		if detail, err = json.Marshal(e.Detail); err != nil {
			return AuditRecord{}, fmt.Errorf("append audit entry: marshal detail: %w", err)
		}
	}
	r := AuditRecord{ActorUserID: e.ActorUserID, ActorRole: e.ActorRole, Action: e.Action,
		ObjectKind: e.ObjectKind, ObjectID: e.ObjectID}
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, auditLockSQL, auditLockKey); err != nil {
			return err
		}
		var stored string
		if err := tx.QueryRow(ctx, auditHeadSQL, string(detail)).Scan(&r.ID, &r.At, &stored, &r.PrevHash); err != nil {
			return err
		}
		if r.PrevHash == nil {
			r.PrevHash = genesisHash
		}
		r.Detail = json.RawMessage(stored)
		r.Hash = chainHash(r.PrevHash, r)
		_, err := tx.Exec(ctx, auditInsertSQL, r.ID, r.At, r.ActorUserID, string(r.ActorRole), r.Action,
			r.ObjectKind, r.ObjectID, stored, r.PrevHash, r.Hash)
		return err
	})
	if err != nil {
		return AuditRecord{}, fmt.Errorf("append audit entry %s: %w", e.Action, pg.Interpret(err))
	}
	return r, nil
}

type auditRow struct {
	ID          int64     `db:"id"`
	At          time.Time `db:"at"`
	ActorUserID *int64    `db:"actor_user_id"`
	ActorRole   string    `db:"actor_role"`
	Action      string    `db:"action"`
	ObjectKind  string    `db:"object_kind"`
	ObjectID    int64     `db:"object_id"`
	Detail      string    `db:"detail"`
	PrevHash    []byte    `db:"prev_hash"`
	Hash        []byte    `db:"hash"`
}

func (r auditRow) record() AuditRecord {
	var actor int64
	if r.ActorUserID != nil {
		actor = *r.ActorUserID
	}
	return AuditRecord{ID: r.ID, At: r.At, ActorUserID: actor, ActorRole: Role(r.ActorRole),
		Action: r.Action, ObjectKind: r.ObjectKind, ObjectID: r.ObjectID,
		Detail: json.RawMessage(r.Detail), PrevHash: r.PrevHash, Hash: r.Hash}
}

const auditListSQL = `
SELECT id, at, actor_user_id, actor_role, action, object_kind, object_id, detail::text AS detail,
       prev_hash, hash
FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2`

// List returns up to limit rows with ids above afterID, in chain order.
func (s *AuditStore) List(ctx context.Context, afterID int64, limit int) ([]AuditRecord, error) {
	rs, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[auditRow], auditListSQL, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	recs := make([]AuditRecord, len(rs))
	for i, r := range rs {
		recs[i] = r.record()
	}
	return recs, nil
}

// verifyBatch is how many rows Verify reads at a time.
const verifyBatch = 1000

// Verify walks the whole chain from the first row and reports the first row
// whose prev_hash is not its predecessor's hash (a row was deleted or
// reordered before it) or whose hash does not match its contents (it was
// edited). Deleting the newest rows leaves no gap to find: compare Head with
// a copy kept elsewhere to catch that.
func (s *AuditStore) Verify(ctx context.Context) (ChainStatus, error) {
	st := ChainStatus{Head: genesisHash}
	var after int64
	for {
		recs, err := s.List(ctx, after, verifyBatch)
		if err != nil {
			return st, fmt.Errorf("verify audit chain: %w", err)
		}
		for _, r := range recs {
			st.Rows++
			if !bytes.Equal(r.PrevHash, st.Head) || !bytes.Equal(r.Hash, chainHash(r.PrevHash, r)) {
				st.BrokenID = r.ID
				return st, nil
			}
			st.Head = r.Hash
			after = r.ID
		}
		if len(recs) < verifyBatch {
			return st, nil
		}
	}
}
