package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"

	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/jurisdiction"
)

// An import routes most rows in Go and COPYs them straight into reports.
//
// route_cells holds, for every r8 cell in which all points route alike,
// that routing (jurisdiction.RebuildRouteCells); ~9 rows in 10 of a
// state-wide import fall in such cells. The import reads the table once
// (jurisdiction.RouteCellStore.Load) and, in each batch's transaction,
// checks that it is still the table in force (InForce: valid and built by
// the same rebuild), then COPYs the rows of stored cells into reports with
// their routing. Everything else, and every row when the check fails, goes
// through the staged SQL (LoadStagedBatch), whose INSERT … SELECT costs
// about twice a COPY (row-at-a-time speculative inserts where COPY writes
// pages in bulk; bench/NOTES.md).
//
// ON CONFLICT (source_id) DO NOTHING, which the staged insert relies on,
// has no COPY form: the batch first reads which of its source_ids are
// stored (they count as already imported, as before), and a COPY that
// still meets one (another import committed it meanwhile) is rolled back to
// its savepoint and its rows sent through the staged path.

// routedColumns are the reports columns a routed row is COPYed with; the
// rest take their defaults, as in importRouteSQL's insert.
var routedColumns = []string{"source", "source_id", "status", "category", "body", "happening_now",
	"occurred_at", "received_at", "event_at", "location_source", "geom", "h3_r5", "h3_r7", "h3_r8", "h3_r9",
	"district_id", "station_id", "pcr_unit_id", "ahtu_id"}

// storedSourceIDsSQL returns which of $1 are stored already.
const storedSourceIDsSQL = `SELECT source_id FROM reports WHERE source_id = ANY($1::text[])`

// routedRow is a batch row with the routing of its cell.
type routedRow struct {
	row   *importRow
	route jurisdiction.CellRouting
}

// copyByCell COPYs the rows of batch whose cells s.routes holds, when that
// copy of route_cells is still in force in tx (else it asks for a new copy
// before the next batch), and returns what it did (Staged: the rows it
// handled, Inserted: those it inserted) and the rows left for the staged
// path.
func (s *importSource) copyByCell(ctx context.Context, tx pgx.Tx, batch []importRow) (StagedBatch, []importRow, error) {
	routes := s.routes.Load()
	if routes == nil || len(routes.Cells) == 0 {
		return StagedBatch{}, batch, nil
	}
	inForce, now, err := jurisdiction.NewRouteCellStore(tx).InForce(ctx, *routes)
	if err != nil {
		return StagedBatch{}, nil, err
	}
	if !inForce {
		s.routesStale.Store(true) // read again before the next batch
		return StagedBatch{}, batch, nil
	}
	hits, rest := splitByCell(batch, *routes)
	inserted, stored, retry, err := copyRouted(ctx, tx, hits, now)
	if err != nil {
		return StagedBatch{}, nil, err
	}
	return StagedBatch{Staged: int64(inserted + stored), Inserted: inserted}, append(rest, retry...), nil
}

// splitByCell returns the rows of batch whose r8 cell routes is
// routes.Cells, with their routing, and the others.
func splitByCell(batch []importRow, routes jurisdiction.RouteCellSet) (hits []routedRow, rest []importRow) {
	for i := range batch {
		if r, ok := routes.Cells[batch[i].cells.R8]; ok {
			hits = append(hits, routedRow{row: &batch[i], route: r})
		} else {
			rest = append(rest, batch[i])
		}
	}
	return hits, rest
}

// copyRouted inserts hits into reports by COPY, received at now (the
// transaction's start, as now() in the staged insert), in r9 order as the
// staged insert writes them. It skips rows whose source_id is stored and
// returns how many it inserted and how many it skipped; on a source_id
// stored meanwhile it inserts none and returns the hits as retry, for the
// staged path.
func copyRouted(ctx context.Context, tx pgx.Tx, hits []routedRow, now time.Time) (inserted, stored int, retry []importRow, err error) {
	if len(hits) == 0 {
		return 0, 0, nil, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.row.sourceID
	}
	known, err := pg.QueryAll(ctx, tx, pgx.RowTo[string], storedSourceIDsSQL, ids)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("read stored source ids: %w", err)
	}
	fresh := hits
	if len(known) > 0 {
		skip := make(map[string]bool, len(known))
		for _, id := range known {
			skip[id] = true
		}
		fresh = slices.DeleteFunc(slices.Clone(hits), func(h routedRow) bool { return skip[h.row.sourceID] })
	}
	if len(fresh) == 0 { // a re-import: nothing to COPY
		return 0, len(hits), nil, nil
	}
	slices.SortFunc(fresh, func(a, b routedRow) int { return cmp.Compare(a.row.cells.R9, b.row.cells.R9) })
	sp, err := tx.Begin(ctx) // a savepoint: a conflict undoes the COPY alone
	if err != nil {
		return 0, 0, nil, fmt.Errorf("savepoint before routed copy: %w", err)
	}
	n, err := sp.CopyFrom(ctx, pgx.Identifier{"reports"}, routedColumns, pgx.CopyFromSlice(len(fresh), func(i int) ([]any, error) {
		return fresh[i].values(now)
	}))
	if err != nil {
		_ = sp.Rollback(ctx)
		if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "23505" && // unique_violation
			pgErr.ConstraintName == "reports_source_id_key" {
			retry = make([]importRow, len(hits))
			for i, h := range hits {
				retry[i] = *h.row
			}
			return 0, 0, retry, nil
		}
		return 0, 0, nil, fmt.Errorf("copy routed reports: %w", pg.Interpret(err))
	}
	if err := sp.Commit(ctx); err != nil {
		return 0, 0, nil, fmt.Errorf("release routed copy savepoint: %w", err)
	}
	return int(n), len(hits) - len(fresh), nil, nil
}

// values is the routed row as routedColumns takes it.
func (h routedRow) values(now time.Time) ([]any, error) {
	r := h.row
	geom, err := ewkb.Marshal(orb.Point{r.lon, r.lat}, 4326)
	if err != nil {
		return nil, fmt.Errorf("encode line %d's point: %w", r.line, err)
	}
	var ahtu any
	if h.route.AHTUID != 0 {
		ahtu = h.route.AHTUID
	}
	return []any{"import", r.sourceID, "approved", string(r.category), r.body, false,
		r.occurredAt, now, r.occurredAt, "import", geom, r.cells.R5, r.cells.R7, r.cells.R8, r.cells.R9,
		h.route.DistrictID, h.route.StationID, h.route.PCRUnitID, ahtu}, nil
}
