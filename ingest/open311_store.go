package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// kCellCountSQL counts, up to k ($k), the distinct approved reports in the
// cell of column %s (h3_r8, h3_r7 or h3_r5 of report r): the public k rule
// of docs/PRIVACY.md, read from the r9 index by the cell's r9 range.
const kCellCountSQL = `(SELECT count(*) FROM (SELECT 1 FROM reports x
	WHERE x.h3_r9 BETWEEN h3_r9_lo(r.%[1]s) AND h3_r9_hi(r.%[1]s)
	AND x.status = 'approved' AND ` + distinctApprovedSQL + ` LIMIT %[2]s) k)`

// publicCellSQL is the k-anonymous position of report r with k in
// parameter %s: the first of its r8, r7, r5 cells holding at least k
// distinct approved reports, else 0; always 0 unless r is approved.
// Pending and rejected reports and complaints never count.
func publicCellSQL(k string) string {
	return fmt.Sprintf(`CASE WHEN r.status <> 'approved' THEN 0
		WHEN %[1]s >= %[4]s THEN r.h3_r8
		WHEN %[2]s >= %[4]s THEN r.h3_r7
		WHEN %[3]s >= %[4]s THEN r.h3_r5
		ELSE 0 END`, fmt.Sprintf(kCellCountSQL, "h3_r8", k), fmt.Sprintf(kCellCountSQL, "h3_r7", k),
		fmt.Sprintf(kCellCountSQL, "h3_r5", k), k)
}

// open311Filter is Open311Query resolved by the service.
type open311Filter struct {
	Codes        []string // non-nil; when not empty, the other filters are ignored
	Category     Category
	From, To     time.Time
	Open, Closed bool
	Limit        int
	MinReports   int
}

// open311ListSQL lists reports by code (any status: codes are capabilities
// or already public) or approved reports by category, received time and
// Open311 status (closed: fixed or closed outcome; rejected reports are not
// listed without codes). Positions are always k-anonymous.
var open311ListSQL = `SELECT ` + publicColumns + `, ` + publicCellSQL("$8") + ` AS public_cell
FROM reports r JOIN districts d ON d.id = r.district_id
WHERE r.code IS NOT NULL AND (CASE WHEN cardinality($1::text[]) > 0 THEN r.code = ANY($1) ELSE
	r.status = 'approved' AND ($2::text = '' OR r.category = $2::text)
	AND r.received_at BETWEEN $3 AND $4
	AND (CASE WHEN r.outcome IN ('fixed', 'closed') THEN $6::bool ELSE $5::bool END) END)
ORDER BY r.received_at DESC, r.id DESC
LIMIT $7`

// Open311List returns the public views of reports matching f, newest
// first.
func (s *ReportStore) Open311List(ctx context.Context, f open311Filter) ([]PublicReport, error) {
	list, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[PublicReport], open311ListSQL, f.Codes,
		string(f.Category), f.From, f.To, f.Open, f.Closed, f.Limit, f.MinReports)
	if err != nil {
		return nil, fmt.Errorf("list open311 requests: %w", err)
	}
	return list, nil
}

const codeByTokenSQL = `SELECT code FROM reports WHERE open311_token = $1`

// CodeByToken returns the code of the report with Open311 token, or
// vikalp.ErrNotFound.
func (s *ReportStore) CodeByToken(ctx context.Context, token string) (string, error) {
	code, err := pg.QueryOne(ctx, s.db, pgx.RowTo[string], codeByTokenSQL, token)
	if err != nil {
		return "", fmt.Errorf("get report by open311 token: %w", err)
	}
	return code, nil
}
