package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/vikalp/vikalp/internal/pg"
)

// Media is one stored photo: its facts and where its blobs are. Blob bytes
// are read through the Service, never from here.
type Media struct {
	ID               int64
	BlobPrefix       string
	SHA256           []byte
	ContentType      string
	Bytes            int64
	Width            int
	Height           int
	DerivativeWidth  int
	DerivativeHeight int
	SealedKeyID      string
	EXIF             EXIFFacts
	Redactions       []Rect
	RedactedAt       *time.Time
	CreatedAt        time.Time
}

// MediaStore reads and writes the media table.
type MediaStore struct{ db pg.DBTX }

// NewMediaStore returns a MediaStore on db (a pool or a transaction).
func NewMediaStore(db pg.DBTX) *MediaStore { return &MediaStore{db: db} }

// insertMediaSQL stores one photo; exif_geom is NULL when $12 is NULL.
const insertMediaSQL = `
INSERT INTO media (blob_prefix, sha256, content_type, bytes, width, height, derivative_width,
	derivative_height, sealed_key_id, exif_orientation, exif_taken_at, exif_geom, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ST_GeomFromWKB($12, 4326), $13)
RETURNING id`

// Insert stores m (its ID is ignored) and returns the new id.
func (s *MediaStore) Insert(ctx context.Context, m Media) (int64, error) {
	var gps any
	if m.EXIF.GPS != nil {
		gps = wkb.Value(orb.Point{m.EXIF.GPS.Lon, m.EXIF.GPS.Lat})
	}
	var id int64
	err := s.db.QueryRow(ctx, insertMediaSQL, m.BlobPrefix, m.SHA256, m.ContentType, m.Bytes,
		m.Width, m.Height, m.DerivativeWidth, m.DerivativeHeight, m.SealedKeyID,
		m.EXIF.Orientation, m.EXIF.TakenAt, gps, m.CreatedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert media: %w", pg.Interpret(err))
	}
	return id, nil
}

const mediaSQL = `
SELECT id, blob_prefix, sha256, content_type, bytes, width, height, derivative_width,
	derivative_height, sealed_key_id, exif_orientation, exif_taken_at, ST_AsBinary(exif_geom),
	redactions, redacted_at, created_at
FROM media WHERE id = $1`

// Media returns the photo with id, or vikalp.ErrNotFound.
func (s *MediaStore) Media(ctx context.Context, id int64) (Media, error) {
	m, err := pg.QueryOne(ctx, s.db, scanMedia, mediaSQL, id)
	if err != nil {
		return Media{}, fmt.Errorf("get media %d: %w", id, err)
	}
	return m, nil
}

func scanMedia(row pgx.CollectableRow) (Media, error) {
	var m Media
	var gps orb.Point
	var redactions []byte
	scanner := wkb.Scanner(&gps)
	err := row.Scan(&m.ID, &m.BlobPrefix, &m.SHA256, &m.ContentType, &m.Bytes, &m.Width, &m.Height,
		&m.DerivativeWidth, &m.DerivativeHeight, &m.SealedKeyID, &m.EXIF.Orientation, &m.EXIF.TakenAt,
		scanner, &redactions, &m.RedactedAt, &m.CreatedAt)
	if err != nil {
		return m, err
	}
	if scanner.Valid {
		m.EXIF.GPS = &LatLon{Lat: gps.Lat(), Lon: gps.Lon()}
	}
	if err := json.Unmarshal(redactions, &m.Redactions); err != nil {
		return m, fmt.Errorf("decode redactions: %w", err)
	}
	return m, nil
}

const setRedactionsSQL = `UPDATE media SET redactions = $2, redacted_at = $3 WHERE id = $1`

// SetRedactions records the rectangles blurred on photo id; an empty list
// (with a nil time) means the photo is served unredacted.
func (s *MediaStore) SetRedactions(ctx context.Context, id int64, rects []Rect, at *time.Time) error {
	if rects == nil {
		rects = []Rect{}
	}
	raw, err := json.Marshal(rects)
	if err != nil {
		return fmt.Errorf("encode redactions: %w", err)
	}
	tag, err := s.db.Exec(ctx, setRedactionsSQL, id, raw, at)
	if err != nil {
		return fmt.Errorf("set redactions of media %d: %w", id, pg.Interpret(err))
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("set redactions of media %d: %w", id, pg.Interpret(pgx.ErrNoRows))
	}
	return nil
}

const knownPrefixesSQL = `SELECT blob_prefix FROM media WHERE blob_prefix = ANY($1)`

// KnownPrefixes reports which of prefixes a media row refers to.
func (s *MediaStore) KnownPrefixes(ctx context.Context, prefixes []string) (map[string]bool, error) {
	found, err := pg.QueryAll(ctx, s.db, pgx.RowTo[string], knownPrefixesSQL, prefixes)
	if err != nil {
		return nil, fmt.Errorf("look up media prefixes: %w", err)
	}
	known := make(map[string]bool, len(found))
	for _, p := range found {
		known[p] = true
	}
	return known, nil
}
