package idem

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/pg"
)

// Kinds of request a key can stand for, as submission_keys.kind stores them.
const (
	KindReport         = "report"          // a public hotspot report (package ingest)
	KindTip            = "tip"             // a trafficking tip (package ingest)
	KindComplaint      = "complaint"       // a filed complaint (package cases)
	KindComplaintMedia = "complaint_media" // photos attached to a complaint (package cases)
)

// scopeOf returns the namespace in which keys of kind are unique: reports
// and tips share one, complaints and complaint photos each have their own.
func scopeOf(kind string) string {
	if kind == KindReport || kind == KindTip {
		return "submission"
	}
	return kind
}

// A Claim is one request's use of an Idempotency-Key.
type Claim struct {
	Kind    string
	ScopeID int64  // the complaint of a photo attach; 0 for every other kind
	Key     string // "" when the request has none: nothing is looked up or stored
	Hash    []byte // the request's fingerprint (SHA-256)
	// Reused is the caller's user-safe refusal (a vikalp.ErrConflict, in
	// its own words and language) of a key that stands for other content.
	Reused error
	// CreateFirst makes Do create at once and look the key up only when
	// Record finds it taken: for a hot path whose retries are rare, one
	// read less a request; a retry then costs a rolled-back create.
	CreateFirst bool
}

// Lookup returns the key stored for c's key in its scope: ErrNotFound when
// the key is new, c.Reused when it stands for another kind or other content.
func (c Claim) Lookup(ctx context.Context, db pg.DBTX) (Key, error) {
	k, err := NewStore(db).Get(ctx, c.Kind, c.ScopeID, c.Key)
	if err != nil {
		return Key{}, err
	}
	if k.Kind != c.Kind || k.RequestHash != nil && !bytes.Equal(k.RequestHash, c.Hash) {
		return Key{}, c.Reused
	}
	return k, nil
}

// Record stores c's key in tx (the transaction that stores what the
// request created) for entityID and the count-1 entities after it; nothing
// when c has no key. A key already stored is ErrTaken; so is one a
// concurrent transaction stores first (Record waits for it to commit).
func (c Claim) Record(ctx context.Context, tx pg.DBTX, entityID int64, count int, at time.Time) error {
	if c.Key == "" {
		return nil
	}
	return NewStore(tx).Insert(ctx, Key{Kind: c.Kind, ScopeID: c.ScopeID, Key: c.Key, EntityID: entityID,
		EntityCount: count, RequestHash: c.Hash, CreatedAt: at})
}

// Do runs create at most once per key: a key already stored answers with
// load of the entity it stands for, or c.Reused; so does a key that a
// concurrent request records first (create then fails with a conflict,
// ErrTaken from Record). Without a key it just runs create. create must
// Record c in the transaction that stores the entity.
func Do[T any](ctx context.Context, db pg.DBTX, c Claim, create func() (T, error), load func(entityID int64) (T, error)) (T, error) {
	if c.Key == "" {
		return create()
	}
	replay := func() (v T, done bool, err error) {
		k, err := c.Lookup(ctx, db)
		if errors.Is(err, vikalp.ErrNotFound) {
			return v, false, nil
		}
		if err != nil {
			return v, true, err
		}
		v, err = load(k.EntityID)
		return v, true, err
	}
	if !c.CreateFirst {
		if v, done, err := replay(); done {
			return v, err
		}
	}
	v, err := create()
	if errors.Is(err, vikalp.ErrConflict) {
		if v, done, err := replay(); done {
			return v, err
		}
	}
	return v, err
}
