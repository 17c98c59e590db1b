package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// RatingStore reads and writes ratings and MSP legal reviews.
type RatingStore struct{ db pg.DBTX }

// NewRatingStore returns a RatingStore on db (a pool or a transaction).
func NewRatingStore(db pg.DBTX) *RatingStore { return &RatingStore{db: db} }

const feedbackColumns = `id, complaint_id, atr_id, rating, reason, at`

const insertRatingSQL = `INSERT INTO ratings (complaint_id, atr_id, rating, reason, at)
	VALUES ($1, $2, $3, $4, $5) RETURNING ` + feedbackColumns

// Insert records her rating of an ATR.
func (s *RatingStore) Insert(ctx context.Context, complaintID, atrID int64, r Rating, reason string,
	at time.Time) (Feedback, error) {
	rows, _ := s.db.Query(ctx, insertRatingSQL, complaintID, atrID, r, reason, at)
	f, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Feedback])
	if err != nil {
		return Feedback{}, fmt.Errorf("insert rating: %w", pg.Interpret(err))
	}
	return f, nil
}

const ratingsSQL = `SELECT ` + feedbackColumns + ` FROM ratings WHERE complaint_id = $1 ORDER BY id`

// List returns a complaint's ratings, oldest first.
func (s *RatingStore) List(ctx context.Context, complaintID int64) ([]Feedback, error) {
	fs, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[Feedback], ratingsSQL, complaintID)
	if err != nil {
		return nil, fmt.Errorf("list ratings: %w", err)
	}
	return fs, nil
}

const ratedSQL = `SELECT EXISTS (SELECT 1 FROM ratings WHERE atr_id = $1)`

// Rated reports whether an ATR has been rated.
func (s *RatingStore) Rated(ctx context.Context, atrID int64) (bool, error) {
	var ok bool
	if err := s.db.QueryRow(ctx, ratedSQL, atrID).Scan(&ok); err != nil {
		return false, fmt.Errorf("check rating: %w", pg.Interpret(err))
	}
	return ok, nil
}

const legalColumns = `id, complaint_id, rating_id, decision, reason, decided_by, at`

// The review answers the complaint's latest rating (a DISSATISFIED one: the
// state machine only allows a decision in legal_review).
const insertLegalSQL = `INSERT INTO legal_reviews (complaint_id, rating_id, decision, reason, decided_by, at)
	SELECT $1, r.id, $2, $3, $4, $5 FROM ratings r
	WHERE r.complaint_id = $1 AND r.rating = 'DISSATISFIED' ORDER BY r.id DESC LIMIT 1
	RETURNING ` + legalColumns

// InsertLegalReview records MSP legal's decision on the latest
// dissatisfaction; ErrNotFound when there is none.
func (s *RatingStore) InsertLegalReview(ctx context.Context, complaintID int64, d Decision, reason string,
	by *int64, at time.Time) (LegalReview, error) {
	rows, _ := s.db.Query(ctx, insertLegalSQL, complaintID, d, reason, by, at)
	lr, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[LegalReview])
	if err != nil {
		return LegalReview{}, fmt.Errorf("insert legal review: %w", pg.Interpret(err))
	}
	return lr, nil
}

const legalReviewsSQL = `SELECT ` + legalColumns + ` FROM legal_reviews WHERE complaint_id = $1 ORDER BY id`

// LegalReviews returns a complaint's legal decisions, oldest first.
func (s *RatingStore) LegalReviews(ctx context.Context, complaintID int64) ([]LegalReview, error) {
	lrs, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[LegalReview], legalReviewsSQL, complaintID)
	if err != nil {
		return nil, fmt.Errorf("list legal reviews: %w", err)
	}
	return lrs, nil
}

const pursuedSQL = `SELECT EXISTS (SELECT 1 FROM legal_reviews WHERE complaint_id = $1 AND decision = 'pursue')`

// Pursued reports whether MSP legal ever pursued the complaint, which makes
// a returned ATR go back to escalated rather than assigned.
func (s *RatingStore) Pursued(ctx context.Context, complaintID int64) (bool, error) {
	var ok bool
	if err := s.db.QueryRow(ctx, pursuedSQL, complaintID).Scan(&ok); err != nil {
		return false, fmt.Errorf("check pursued: %w", pg.Interpret(err))
	}
	return ok, nil
}
