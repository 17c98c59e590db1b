package analytics

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
)

// HexStatStore reads the pipeline's inputs and reads and rewrites hex_stats.
type HexStatStore struct{ db pg.DBTX }

// NewHexStatStore returns a store on db.
func NewHexStatStore(db pg.DBTX) *HexStatStore { return &HexStatStore{db: db} }

// hexStatColumns are the hex_stats columns the pipeline writes, in COPY order.
var hexStatColumns = []string{"window_key", "resolution", "cell", "run_id", "window_start", "window_end",
	"n_reports", "n_distinct", "score", "gi_z", "gi_p", "gi_p_fdr", "bin",
	"emerging", "emerging_cold", "district_id"}

// noAutovacuum keeps autovacuum off the tables a run writes: they are
// written once, analyzed by the run and replaced whole by the next, so
// there is nothing to vacuum, and a vacuum of the million rows just
// swapped in held the next run's swap for a second and more (it yields
// only after deadlock_timeout) when runs came back to back (migration
// 00050 sets the same on the tables the migrations created).
const noAutovacuum = `autovacuum_enabled = false, toast.autovacuum_enabled = false`

// The staging table mirrors hex_stats (columns, defaults, CHECKs) without
// indexes; indexes are built in bulk after COPY, two at a time on separate
// connections, which is far cheaper than maintaining an index row by row.
// Names come from the run id only.
const (
	dropStageSQL    = `DROP TABLE IF EXISTS %s`
	createStageSQL  = `CREATE TABLE %s (LIKE hex_stats INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (` + noAutovacuum + `)`
	analyzeStageSQL = `ANALYZE %s`
	lockHexStatsSQL = `LOCK TABLE hex_stats IN ACCESS EXCLUSIVE MODE`
	// swapSQL replaces hex_stats by the staging table and gives its
	// constraints and indexes the names the migration created; the primary
	// key takes over the unique index built beside the others. The foreign
	// keys are added NOT VALID: the pipeline wrote ids it just read, and
	// validating a million rows would hold the exclusive lock for seconds.
	swapSQL = `
DROP TABLE hex_stats;
ALTER TABLE %[1]s RENAME TO hex_stats;
ALTER TABLE hex_stats ADD CONSTRAINT hex_stats_pkey PRIMARY KEY USING INDEX %[1]s_pkey;
ALTER INDEX %[1]s_significant_idx RENAME TO hex_stats_significant_idx;
ALTER INDEX %[1]s_district_idx RENAME TO hex_stats_district_idx;
ALTER TABLE hex_stats ADD CONSTRAINT hex_stats_run_id_fkey
    FOREIGN KEY (run_id) REFERENCES analysis_runs (id) NOT VALID;
ALTER TABLE hex_stats ADD CONSTRAINT hex_stats_district_id_fkey
    FOREIGN KEY (district_id) REFERENCES districts (id) NOT VALID`
)

// stageIndexSQL are the staging table's indexes, slowest first so that the
// two build connections finish together.
var stageIndexSQL = []string{
	`CREATE UNIQUE INDEX %[1]s_pkey ON %[1]s (window_key, resolution, cell)`,
	`CREATE INDEX %[1]s_district_idx ON %[1]s (district_id)`,
	`CREATE INDEX %[1]s_significant_idx ON %[1]s (window_key, resolution, bin) WHERE bin <> 0`,
}

// Replace rewrites hex_stats with rows as run runID (see replace).
func (s *HexStatStore) Replace(ctx context.Context, runID int64, rows []HexStat, inTx func(pgx.Tx) error) error {
	return s.replace(ctx, runID, []hexRowBatch{hexStatRows(rows)}, inTx, func(string) {})
}

// replace rewrites hex_stats with the batches as run runID (see
// hexStatStage). mark is told as each step (copy, index, analyze, swap) ends.
func (s *HexStatStore) replace(ctx context.Context, runID int64, batches []hexRowBatch, inTx func(pgx.Tx) error,
	mark func(step string)) error {
	st, err := s.newStage(ctx, runID)
	if err != nil {
		return err
	}
	defer st.discard(ctx)
	ch := make(chan hexRowBatch, len(batches))
	for _, b := range batches {
		ch <- b
	}
	close(ch)
	if err := st.copy(ctx, ch); err != nil {
		return err
	}
	mark("copy")
	return st.finish(ctx, inTx, mark)
}

// hexStatStage is the staging table of one run. Rows are copied into it
// (while the run still computes, if the caller likes) and indexed there;
// then one transaction locks hex_stats, calls inTx (which may read the
// previous results and insert jobs) and swaps the staging table in. Readers
// see the old run until the commit and the new one after it, never a mix.
type hexStatStage struct {
	db      pg.DBTX
	name    string
	swapped bool
}

// newStage creates the staging table of run runID (replacing a leftover).
func (s *HexStatStore) newStage(ctx context.Context, runID int64) (*hexStatStage, error) {
	st := &hexStatStage{db: s.db, name: fmt.Sprintf("hex_stats_stage_%d", runID)}
	if _, err := s.db.Exec(ctx, fmt.Sprintf(dropStageSQL, st.name)); err != nil {
		return nil, fmt.Errorf("drop staging table: %w", err)
	}
	if _, err := s.db.Exec(ctx, fmt.Sprintf(createStageSQL, st.name)); err != nil {
		return nil, fmt.Errorf("create staging table: %w", err)
	}
	return st, nil
}

// copy COPYs batches into the staging table until the channel is closed.
func (st *hexStatStage) copy(ctx context.Context, batches <-chan hexRowBatch) error {
	return copyBatches(ctx, st.db, st.name, batches)
}

// finish indexes and analyzes the staging table and swaps it in.
func (st *hexStatStage) finish(ctx context.Context, inTx func(pgx.Tx) error, mark func(step string)) error {
	stmts := make([]string, len(stageIndexSQL))
	for i, q := range stageIndexSQL {
		stmts[i] = fmt.Sprintf(q, st.name)
	}
	if err := execParallel(ctx, st.db, stmts); err != nil {
		return err
	}
	mark("index")
	if _, err := st.db.Exec(ctx, fmt.Sprintf(analyzeStageSQL, st.name)); err != nil {
		return fmt.Errorf("analyze staging table: %w", pg.Interpret(err))
	}
	mark("analyze")
	err := pg.WithTx(ctx, st.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockHexStatsSQL); err != nil {
			return fmt.Errorf("lock hex_stats: %w", err)
		}
		if inTx != nil {
			if err := inTx(tx); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, fmt.Sprintf(swapSQL, st.name)); err != nil {
			return fmt.Errorf("swap hex_stats: %w", pg.Interpret(err))
		}
		return nil
	})
	if err != nil {
		return err
	}
	st.swapped = true
	mark("swap")
	return nil
}

// discard drops the staging table unless it was swapped in.
func (st *hexStatStage) discard(ctx context.Context) {
	if !st.swapped {
		_, _ = st.db.Exec(context.WithoutCancel(ctx), fmt.Sprintf(dropStageSQL, st.name))
	}
}

// hexStatRows feeds HexStat values to COPY.
type hexStatRows []HexStat

func (b hexStatRows) Len() int { return len(b) }

func (b hexStatRows) Row(i int) hexRow {
	r := b[i]
	return hexRow{windowKey: r.WindowKey, res: int16(r.Resolution), cell: r.Cell, runID: r.RunID,
		start: r.WindowStart, end: r.WindowEnd, nReports: int32(r.NReports),
		nDistinct: int32(r.NDistinct), score: r.Score, z: r.GiZ, p: r.GiP, pFDR: r.GiPFDR, bin: int16(r.Bin),
		emerging: r.Emerging, cold: r.EmergingCold, district: int32(r.DistrictID)}
}

const significantCellsSQL = `
SELECT cell FROM hex_stats WHERE window_key = $1 AND resolution = $2 AND bin >= $3`

// SignificantCells returns the cells of the stored run at bin ≥ minBin for
// a window and resolution. Call it on the swap transaction to compare a new
// run with the one it replaces.
func (s *HexStatStore) SignificantCells(ctx context.Context, windowKey string, res, minBin int) (map[int64]bool, error) {
	rows, err := s.db.Query(ctx, significantCellsSQL, windowKey, res, minBin)
	if err != nil {
		return nil, fmt.Errorf("read significant cells: %w", pg.Interpret(err))
	}
	out := map[int64]bool{}
	var cell int64
	_, err = pgx.ForEachRow(rows, []any{&cell}, func() error { out[cell] = true; return nil })
	if err != nil {
		return nil, fmt.Errorf("read significant cells: %w", pg.Interpret(err))
	}
	return out, nil
}

// hotspotsSQL selects hex_stats rows by HotspotFilter. Class is "" (all),
// "hot" (bin > 0), "cold" (bin < 0), an emerging class name (hot spots of
// that class) or "cold_" + a class name (cold spots of that class).
const hotspotsSQL = `
SELECT window_key, resolution, cell, run_id, window_start, window_end, n_reports, n_distinct,
       score, gi_z, gi_p, gi_p_fdr, bin, coalesce(emerging, ''), emerging_cold,
       coalesce(district_id, 0)
FROM hex_stats
WHERE window_key = $1 AND resolution = $2 AND n_distinct >= $3
  AND ($4::int[] IS NULL OR district_id = ANY ($4))
  AND CASE
        WHEN $5 = '' THEN true
        WHEN $5 = 'hot' THEN bin > 0
        WHEN $5 = 'cold' THEN bin < 0
        WHEN $5 LIKE 'cold\_%' THEN emerging_cold AND emerging = substr($5, 6)
        ELSE NOT emerging_cold AND emerging = $5
      END
ORDER BY abs(gi_z) DESC, cell
LIMIT $6`

// Hotspots returns the rows f selects, strongest |z| first.
func (s *HexStatStore) Hotspots(ctx context.Context, f HotspotFilter) ([]HexStat, error) {
	var districts []int32
	if f.DistrictIDs != nil {
		districts = make([]int32, len(f.DistrictIDs))
		for i, d := range f.DistrictIDs {
			districts[i] = int32(d)
		}
	}
	var limit any
	if f.Limit > 0 {
		limit = f.Limit
	}
	rows, err := s.db.Query(ctx, hotspotsSQL, f.WindowKey, f.Resolution, f.MinDistinct, districts, f.Class, limit)
	if err != nil {
		return nil, fmt.Errorf("query hotspots: %w", pg.Interpret(err))
	}
	var out []HexStat
	var r HexStat
	var emerging string
	_, err = pgx.ForEachRow(rows, []any{&r.WindowKey, &r.Resolution, &r.Cell, &r.RunID, &r.WindowStart,
		&r.WindowEnd, &r.NReports, &r.NDistinct, &r.Score, &r.GiZ, &r.GiP, &r.GiPFDR, &r.Bin,
		&emerging, &r.EmergingCold, &r.DistrictID}, func() error {
		r.Emerging = EmergingClass(emerging)
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan hotspots: %w", pg.Interpret(err))
	}
	return out, nil
}

// scopeDistrictsSQL lists the districts a non-state scope covers: the
// district itself, a station's or PCR unit's district, or an AHTU's districts.
const scopeDistrictsSQL = `
SELECT $2::int WHERE $1 = 'district'
UNION SELECT district_id FROM police_stations WHERE $1 = 'station' AND id = $2
UNION SELECT district_id FROM pcr_units WHERE $1 = 'pcr' AND id = $2
UNION SELECT district_id FROM ahtu_districts WHERE $1 = 'ahtu' AND ahtu_id = $2`

// ScopeDistricts returns the district ids scope covers, or nil for the
// state scope (everything). A scope that covers nothing gives an empty,
// non-nil slice.
func (s *HexStatStore) ScopeDistricts(ctx context.Context, scope auth.Scope) ([]int, error) {
	if scope.Kind == auth.ScopeState {
		return nil, nil
	}
	ids, err := pg.QueryAll(ctx, s.db, pgx.RowTo[int], scopeDistrictsSQL, string(scope.Kind), scope.ID)
	if err != nil {
		return nil, fmt.Errorf("scope districts: %w", err)
	}
	if ids == nil {
		ids = []int{}
	}
	return ids, nil
}

const windowBoundsSQL = `SELECT window_start, window_end FROM hex_stats WHERE window_key = $1 LIMIT 1`

// WindowBounds returns the start and end of window windowKey in the stored
// run, or the window ending now when the run wrote no cell for it.
func (s *HexStatStore) WindowBounds(ctx context.Context, windowKey string) (start, end time.Time, err error) {
	err = s.db.QueryRow(ctx, windowBoundsSQL, windowKey).Scan(&start, &end)
	if errors.Is(err, pgx.ErrNoRows) {
		end = time.Now()
		for _, w := range DefaultWindows {
			if w.Key == windowKey {
				return end.Add(-time.Duration(w.Days) * 24 * time.Hour), end, nil
			}
		}
		return time.Time{}, time.Time{}, fmt.Errorf("window %q: %w", windowKey, vikalp.ErrInvalid)
	}
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("read window bounds: %w", pg.Interpret(err))
	}
	return start, end, nil
}
