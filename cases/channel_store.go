package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// ChannelStore counts filings by outreach channel (table filing_channels).
type ChannelStore struct{ db pg.DBTX }

// NewChannelStore returns a ChannelStore on db (a pool or a transaction).
func NewChannelStore(db pg.DBTX) *ChannelStore { return &ChannelStore{db: db} }

const countFilingSQL = `INSERT INTO filing_channels (day, district_id, channel, filings)
	VALUES (($1::timestamptz AT TIME ZONE 'Asia/Kolkata')::date, $2, $3, 1)
	ON CONFLICT (day, district_id, channel) DO UPDATE SET filings = filing_channels.filings + 1`

// Count adds one filing through channel in a district on the IST day of at.
func (s *ChannelStore) Count(ctx context.Context, channel Channel, districtID int, at time.Time) error {
	if _, err := s.db.Exec(ctx, countFilingSQL, at, districtID, channel); err != nil {
		return fmt.Errorf("count filing channel: %w", pg.Interpret(err))
	}
	return nil
}

const channelCountsSQL = `SELECT channel, sum(filings)::int AS filings FROM filing_channels
	WHERE day >= ($2::timestamptz AT TIME ZONE 'Asia/Kolkata')::date AND ($1::int IS NULL OR district_id = $1)
	GROUP BY channel`

// Counts returns the filings by channel since from, in one district or
// (nil) the state.
func (s *ChannelStore) Counts(ctx context.Context, districtID *int, from time.Time) (map[Channel]int, error) {
	rows, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[ChannelCount], channelCountsSQL, districtID, from)
	if err != nil {
		return nil, fmt.Errorf("read filing channels: %w", err)
	}
	out := make(map[Channel]int, len(rows))
	for _, r := range rows {
		out[r.Channel] = r.Filings
	}
	return out, nil
}
