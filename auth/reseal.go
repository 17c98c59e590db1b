package auth

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// SealedValue is one sealed value of one row as a key rotation reads it:
// the row id, the sealed bytes and the associated data they are bound to.
type SealedValue struct {
	ID     int64
	Sealed []byte
	AAD    []byte
}

// ResealTable is how the package owning a sealed column lets a key
// rotation re-encrypt it (the SQL stays in that package's *_store.go).
type ResealTable struct {
	// Name names the column in progress reports, e.g. "complaints.contact".
	Name string
	// List returns up to limit values of rows with ids above afterID, in
	// id order (NULL values left out).
	List func(ctx context.Context, afterID int64, limit int) ([]SealedValue, error)
	// Update stores resealed in row id if the column still holds old (so a
	// concurrent write is never overwritten) and reports whether it did.
	Update func(ctx context.Context, id int64, old, resealed []byte) (bool, error)
}

// ResealStats counts what a rotation did to one column.
type ResealStats struct {
	Name     string
	Scanned  int64 // values read
	Resealed int64 // values re-encrypted under the current key
	Skipped  int64 // values changed concurrently (already re-sealed by their writer)
	LastID   int64 // the last row id done: a rerun may start after it
}

// Reseal re-encrypts every value of t that is not sealed with k's current
// key, batch rows at a time, starting after afterID. Values already under
// the current key are left alone, so a rerun after an interruption redoes
// nothing. It is online: each value is swapped with a compare-and-set, and
// readers keep opening old values because k holds every key. progress is
// called after each batch.
func Reseal(ctx context.Context, k *Keyring, t ResealTable, afterID int64, batch int, progress func(ResealStats)) (ResealStats, error) {
	st := ResealStats{Name: t.Name, LastID: afterID}
	for {
		vals, err := t.List(ctx, st.LastID, batch)
		if err != nil {
			return st, fmt.Errorf("reseal %s: %w", t.Name, err)
		}
		for _, v := range vals {
			st.Scanned++
			st.LastID = v.ID
			if !k.NeedsRotation(v.Sealed) {
				continue
			}
			resealed, err := k.Reseal(v.Sealed, v.AAD)
			if err != nil {
				return st, fmt.Errorf("reseal %s row %d: %w", t.Name, v.ID, err)
			}
			ok, err := t.Update(ctx, v.ID, v.Sealed, resealed)
			if err != nil {
				return st, fmt.Errorf("reseal %s row %d: %w", t.Name, v.ID, err)
			}
			if ok {
				st.Resealed++
			} else {
				st.Skipped++
			}
		}
		if progress != nil {
			progress(st)
		}
		if len(vals) < batch {
			return st, nil
		}
	}
}

// SQLResealTable builds a ResealTable from two statements of the owning
// package's store: list selects (id, sealed value, aad key text) of rows
// with id > $1 and a non-NULL value, ordered by id, LIMIT $2; update sets
// the value to $3 in row $1 where it still equals $2. aad turns the key text
// into the value's associated data.
func SQLResealTable(db pg.DBTX, name, list, update string, aad func(key string) []byte) ResealTable {
	return ResealTable{
		Name: name,
		List: func(ctx context.Context, after int64, limit int) ([]SealedValue, error) {
			vals, err := pg.QueryAll(ctx, db, func(r pgx.CollectableRow) (SealedValue, error) {
				var v SealedValue
				var key string
				err := r.Scan(&v.ID, &v.Sealed, &key)
				v.AAD = aad(key)
				return v, err
			}, list, after, limit)
			if err != nil {
				return nil, fmt.Errorf("list %s: %w", name, err)
			}
			return vals, nil
		},
		Update: func(ctx context.Context, id int64, old, resealed []byte) (bool, error) {
			tag, err := db.Exec(ctx, update, id, old, resealed)
			if err != nil {
				return false, fmt.Errorf("update %s: %w", name, pg.Interpret(err))
			}
			return tag.RowsAffected() == 1, nil
		},
	}
}
