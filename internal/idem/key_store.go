package idem

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/pg"
)

// ErrTaken is Insert's answer for a key already stored in its scope.
var ErrTaken = fmt.Errorf("idempotency key taken: %w", vikalp.ErrConflict)

// Key is a stored Idempotency-Key: what it created (EntityID, and for a
// photo attach the EntityCount photos numbered from it) and the fingerprint
// of the request (nil once a complaint's replay window has ended).
type Key struct {
	Kind        string    `db:"kind"`
	ScopeID     int64     `db:"scope_id"`
	Key         string    `db:"key"`
	EntityID    int64     `db:"entity_id"`
	EntityCount int       `db:"entity_count"`
	RequestHash []byte    `db:"request_hash"`
	CreatedAt   time.Time `db:"created_at"`
}

// Store reads and writes submission_keys.
type Store struct{ db pg.DBTX }

// NewStore returns a Store on db (a pool or a transaction).
func NewStore(db pg.DBTX) *Store { return &Store{db: db} }

const insertKeySQL = `
INSERT INTO submission_keys (scope, scope_id, key, kind, entity_id, entity_count, request_hash, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`

// Insert records k; call it in the transaction that stores what k created.
// A key already stored in its scope (or being stored by a concurrent
// transaction, which it waits for) is ErrTaken.
func (s *Store) Insert(ctx context.Context, k Key) error {
	count := max(k.EntityCount, 1)
	_, err := s.db.Exec(ctx, insertKeySQL, scopeOf(k.Kind), k.ScopeID, k.Key, k.Kind, k.EntityID, count,
		k.RequestHash, k.CreatedAt)
	if err = pg.Interpret(err); errors.Is(err, vikalp.ErrConflict) {
		return ErrTaken
	}
	if err != nil {
		return fmt.Errorf("insert idempotency key: %w", err)
	}
	return nil
}

const getKeySQL = `
SELECT kind, scope_id, key, entity_id, entity_count, request_hash, created_at FROM submission_keys
WHERE scope = $1 AND scope_id = $2 AND key = $3`

// Get returns key as stored in the scope of kind (whatever kind it was
// stored for: a report's key is found when looking for a tip's), or
// ErrNotFound.
func (s *Store) Get(ctx context.Context, kind string, scopeID int64, key string) (Key, error) {
	k, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[Key], getKeySQL, scopeOf(kind), scopeID, key)
	if err != nil {
		return Key{}, fmt.Errorf("get idempotency key: %w", err)
	}
	return k, nil
}

const deleteEntityKeysSQL = `DELETE FROM submission_keys WHERE kind = $1 AND entity_id = ANY($2)`

// DeleteEntities deletes the keys of the entities ids of kind (deleted in
// the same transaction) and returns how many.
func (s *Store) DeleteEntities(ctx context.Context, kind string, ids []int64) (int64, error) {
	tag, err := s.db.Exec(ctx, deleteEntityKeysSQL, kind, ids)
	if err != nil {
		return 0, fmt.Errorf("delete %s idempotency keys: %w", kind, pg.Interpret(err))
	}
	return tag.RowsAffected(), nil
}

const forgetHashesSQL = `
UPDATE submission_keys SET request_hash = NULL WHERE kind = $1 AND entity_id = ANY($2)`

// ForgetHashes wipes the request fingerprints of the keys of the entities
// ids of kind: a key without one answers any retry. Only complaint keys may
// lose theirs (a CHECK refuses others), when their replay window ends.
func (s *Store) ForgetHashes(ctx context.Context, kind string, ids []int64) error {
	if _, err := s.db.Exec(ctx, forgetHashesSQL, kind, ids); err != nil {
		return fmt.Errorf("forget %s request fingerprints: %w", kind, pg.Interpret(err))
	}
	return nil
}

const pruneKeysSQL = `DELETE FROM submission_keys WHERE kind = ANY($1) AND created_at < $2`

// Prune deletes the keys of kinds created before before (their replay
// window is over) and returns how many. Only report and tip keys may be
// pruned: a complaint's key lives as long as the complaint.
func (s *Store) Prune(ctx context.Context, before time.Time, kinds ...string) (int64, error) {
	for _, k := range kinds {
		if k != KindReport && k != KindTip {
			return 0, fmt.Errorf("prune idempotency keys: %s keys are never pruned", k)
		}
	}
	tag, err := s.db.Exec(ctx, pruneKeysSQL, kinds, before)
	if err != nil {
		return 0, fmt.Errorf("prune idempotency keys: %w", pg.Interpret(err))
	}
	return tag.RowsAffected(), nil
}
