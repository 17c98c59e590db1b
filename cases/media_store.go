package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// ComplaintPhoto is one photo attached to a complaint: its number on the
// complaint, the media row package ingest stored for it, and who added it.
type ComplaintPhoto struct {
	ComplaintID   int64     `db:"complaint_id"`
	N             int       `db:"n"`
	MediaID       int64     `db:"media_id"`
	AddedAt       time.Time `db:"added_at"`
	AddedByKind   Actor     `db:"added_by_kind"` // ActorComplainant or ActorEcell
	AddedByUserID *int64    `db:"added_by_user_id"`
}

// MediaStore reads and writes complaint_media.
type MediaStore struct{ db pg.DBTX }

// NewMediaStore returns a MediaStore on db (a pool or a transaction).
func NewMediaStore(db pg.DBTX) *MediaStore { return &MediaStore{db: db} }

const complaintPhotoColumns = `complaint_id, n, media_id, added_at, added_by_kind, added_by_user_id`

const insertComplaintPhotoSQL = `INSERT INTO complaint_media (` + complaintPhotoColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6)`

// Insert attaches p to its complaint. A number already taken is ErrConflict.
func (s *MediaStore) Insert(ctx context.Context, p ComplaintPhoto) error {
	_, err := s.db.Exec(ctx, insertComplaintPhotoSQL, p.ComplaintID, p.N, p.MediaID, p.AddedAt,
		p.AddedByKind, p.AddedByUserID)
	if err != nil {
		return fmt.Errorf("insert complaint photo: %w", pg.Interpret(err))
	}
	return nil
}

const countComplaintPhotosSQL = `SELECT count(*) FROM complaint_media WHERE complaint_id = $1`

// Count returns how many photos complaint id has.
func (s *MediaStore) Count(ctx context.Context, complaintID int64) (int, error) {
	n, err := pg.QueryOne(ctx, s.db, pgx.RowTo[int], countComplaintPhotosSQL, complaintID)
	if err != nil {
		return 0, fmt.Errorf("count complaint photos: %w", err)
	}
	return n, nil
}

const listComplaintPhotosSQL = `SELECT ` + complaintPhotoColumns + `
	FROM complaint_media WHERE complaint_id = $1 ORDER BY n`

// List returns complaint id's photos in order (none is an empty list).
func (s *MediaStore) List(ctx context.Context, complaintID int64) ([]ComplaintPhoto, error) {
	return s.many(ctx, "list complaint photos", listComplaintPhotosSQL, complaintID)
}

const complaintPhotoSQL = `SELECT ` + complaintPhotoColumns + `
	FROM complaint_media WHERE complaint_id = $1 AND n = $2`

// Photo returns photo n of complaint id, or ErrNotFound.
func (s *MediaStore) Photo(ctx context.Context, complaintID int64, n int) (ComplaintPhoto, error) {
	p, err := pg.QueryOne(ctx, s.db, pgx.RowToStructByName[ComplaintPhoto], complaintPhotoSQL, complaintID, n)
	if err != nil {
		return ComplaintPhoto{}, fmt.Errorf("get complaint photo %d: %w", n, err)
	}
	return p, nil
}

func (s *MediaStore) many(ctx context.Context, what, sql string, args ...any) ([]ComplaintPhoto, error) {
	list, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[ComplaintPhoto], sql, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return list, nil
}
