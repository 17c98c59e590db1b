package alerts

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// SMSStore reads the SMS outbox for admins. Package cases queues and marks
// complaint messages (see the migration note on sms_outbox).
type SMSStore struct{ db pg.DBTX }

// NewSMSStore returns an SMSStore on db.
func NewSMSStore(db pg.DBTX) *SMSStore { return &SMSStore{db: db} }

// listSMSSQL never selects phone_sealed.
const listSMSSQL = `SELECT id, to_kind, to_role, district_id, complaint_id, template, body, status, provider,
	attempts, last_error, created_at, sent_at
FROM sms_outbox WHERE ($1::text = '' OR status = $1) AND ($2::bigint = 0 OR id < $2)
ORDER BY id DESC LIMIT $3`

// List returns outbox rows with status ("" for all) below beforeID (0 for
// the newest), newest first, at most limit (≤ 200).
func (s *SMSStore) List(ctx context.Context, status string, beforeID int64, limit int) ([]OutboxSMS, error) {
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	list, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[OutboxSMS], listSMSSQL, status, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("list sms outbox: %w", err)
	}
	return list, nil
}
