package ingest

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
)

const (
	resealTipListSQL = `SELECT id, contact_sealed, code FROM tips
WHERE id > $1 AND contact_sealed IS NOT NULL ORDER BY id LIMIT $2`
	resealTipUpdateSQL = `UPDATE tips SET contact_sealed = $3 WHERE id = $1 AND contact_sealed = $2`

	resealReporterListSQL = `SELECT p.report_id, p.secret_sealed, r.code FROM report_reporters p
JOIN reports r ON r.id = p.report_id WHERE p.report_id > $1 ORDER BY p.report_id LIMIT $2`
	resealReporterUpdateSQL = `UPDATE report_reporters SET secret_sealed = $3 WHERE report_id = $1 AND secret_sealed = $2`

	resealReporterPhoneListSQL = `SELECT p.report_id, p.phone_sealed, r.code FROM report_reporters p
JOIN reports r ON r.id = p.report_id WHERE p.report_id > $1 AND p.phone_sealed IS NOT NULL ORDER BY p.report_id LIMIT $2`
	resealReporterPhoneUpdateSQL = `UPDATE report_reporters SET phone_sealed = $3 WHERE report_id = $1 AND phone_sealed = $2`

	// Originals are listed by the key id recorded with them, so a rerun
	// reads only blobs still under an old key.
	resealMediaListSQL = `SELECT id, blob_prefix FROM media
WHERE id > $1 AND sealed_key_id <> $3 AND original_purged_at IS NULL ORDER BY id LIMIT $2`
	setMediaKeySQL = `UPDATE media SET sealed_key_id = $2 WHERE id = $1`
	// The row lock keeps the retention purge (which skips locked rows) from
	// deleting the original while it is being rewritten.
	mediaPrefixSQL = `SELECT blob_prefix FROM media WHERE id = $1 AND original_purged_at IS NULL FOR UPDATE`
)

// ResealTables are the sealed values of package ingest, for `vikalp keys
// rotate`: tip contact details, reporters' sealed secrets, and the sealed
// photo originals in the media bucket (their media.sealed_key_id follows).
func (s *Service) ResealTables() []auth.ResealTable {
	return []auth.ResealTable{
		auth.SQLResealTable(s.db, "tips.contact", resealTipListSQL, resealTipUpdateSQL, contactAAD),
		auth.SQLResealTable(s.db, "report_reporters.secret", resealReporterListSQL, resealReporterUpdateSQL,
			reporterSecretAAD),
		auth.SQLResealTable(s.db, "report_reporters.phone", resealReporterPhoneListSQL, resealReporterPhoneUpdateSQL,
			vikalp.OutboxPhoneAAD),
		{Name: "media.original", List: s.listSealedOriginals, Update: s.updateSealedOriginal},
	}
}

type mediaKeyRow struct {
	ID     int64  `db:"id"`
	Prefix string `db:"blob_prefix"`
}

// listSealedOriginals reads the sealed originals recorded under an old key.
// A blob already under the current key (a rotation stopped between writing
// the blob and recording its key) just gets its key id recorded.
func (s *Service) listSealedOriginals(ctx context.Context, after int64, limit int) ([]auth.SealedValue, error) {
	current := s.keyring.Current()
	ms, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[mediaKeyRow], resealMediaListSQL, after, limit, current)
	if err != nil {
		return nil, fmt.Errorf("list sealed originals: %w", err)
	}
	vals := make([]auth.SealedValue, 0, len(ms))
	for _, m := range ms {
		sealed, err := s.bucket.ReadAll(ctx, blobKey(m.Prefix, variantOriginal, nil))
		if err != nil {
			return nil, fmt.Errorf("read sealed original of media %d: %w", m.ID, err)
		}
		if id, err := auth.KeyID(sealed); err == nil && id == current {
			if _, err := s.db.Exec(ctx, setMediaKeySQL, m.ID, current); err != nil {
				return nil, fmt.Errorf("record key of media %d: %w", m.ID, pg.Interpret(err))
			}
		}
		vals = append(vals, auth.SealedValue{ID: m.ID, Sealed: sealed, AAD: originalAAD(m.Prefix)})
	}
	return vals, nil
}

// updateSealedOriginal overwrites the original's blob with resealed and
// records the key. Originals are written once and never edited, so there is
// no concurrent writer to lose.
//
// An original the retention purge removed meanwhile is skipped (false).
func (s *Service) updateSealedOriginal(ctx context.Context, id int64, _, resealed []byte) (bool, error) {
	keyID, err := auth.KeyID(resealed)
	if err != nil {
		return false, err
	}
	updated := false
	err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var prefix string
		err := tx.QueryRow(ctx, mediaPrefixSQL, id).Scan(&prefix)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // purged since it was listed
		}
		if err != nil {
			return fmt.Errorf("select media %d: %w", id, pg.Interpret(err))
		}
		b := &blobBatch{bucket: s.bucket}
		if err := b.put(ctx, blobKey(prefix, variantOriginal, nil), resealed, "application/octet-stream"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, setMediaKeySQL, id, keyID); err != nil {
			return fmt.Errorf("record key of media %d: %w", id, pg.Interpret(err))
		}
		updated = true
		return nil
	})
	return updated, err
}
