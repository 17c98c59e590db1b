package analytics

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// densityCellColumns are the density_cells columns, in COPY order.
var densityCellColumns = []string{"window_key", "district_id", "x", "y", "density", "run_id"}

// Like hex_stats, density_cells is rewritten through a staging table:
// COPY, index and analyze it outside any lock, then drop and rename inside
// the swap transaction. Names come from the run id only.
const (
	createDensityStageSQL = `CREATE TABLE %s (LIKE density_cells INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (` +
		noAutovacuum + `)`
	indexDensityStageSQL = `CREATE INDEX %[1]s_xy_idx ON %[1]s (window_key, x, y)`
	swapDensitySQL       = `
DROP TABLE density_cells;
ALTER TABLE %[1]s RENAME TO density_cells;
ALTER INDEX %[1]s_xy_idx RENAME TO density_cells_xy_idx`
	clearDensityGridsSQL  = `DELETE FROM density_grids`
	insertDensityGridsSQL = `
INSERT INTO density_grids (window_key, run_id, cell_size, bandwidth, ref_density)
SELECT unnest($1::text[]), $2, unnest($3::float8[]), unnest($4::float8[]), unnest($5::float8[])`
)

// densityStage is the density_cells staging table of one run.
type densityStage struct {
	db      pg.DBTX
	name    string
	runID   int64
	surf    []densitySurface
	swapped bool
}

// newDensityStage creates the staging table of run runID for surf.
func newDensityStage(ctx context.Context, db pg.DBTX, runID int64, surf []densitySurface) (*densityStage, error) {
	st := &densityStage{db: db, name: fmt.Sprintf("density_cells_stage_%d", runID), runID: runID, surf: surf}
	if _, err := db.Exec(ctx, fmt.Sprintf(dropStageSQL, st.name)); err != nil {
		return nil, fmt.Errorf("drop density staging table: %w", pg.Interpret(err))
	}
	if _, err := db.Exec(ctx, fmt.Sprintf(createDensityStageSQL, st.name)); err != nil {
		return nil, fmt.Errorf("create density staging table: %w", pg.Interpret(err))
	}
	return st, nil
}

// fill COPYs the surfaces into the staging table, indexes and analyzes it,
// all on one connection.
func (st *densityStage) fill(ctx context.Context) error {
	sql := fmt.Sprintf("COPY %s (%s) FROM STDIN (FORMAT binary)", pgx.Identifier{st.name}.Sanitize(),
		strings.Join(densityCellColumns, ", "))
	return withConn(ctx, st.db, func(c *pgx.Conn) error {
		if _, err := c.PgConn().CopyFrom(ctx, newCopyStream(densityRows(st.surf, st.runID)), sql); err != nil {
			return fmt.Errorf("copy density cells: %w", pg.Interpret(err))
		}
		if _, err := c.Exec(ctx, fmt.Sprintf(indexDensityStageSQL, st.name)); err != nil {
			return fmt.Errorf("index density cells: %w", pg.Interpret(err))
		}
		if _, err := c.Exec(ctx, fmt.Sprintf(analyzeStageSQL, st.name)); err != nil {
			return fmt.Errorf("analyze density cells: %w", pg.Interpret(err))
		}
		return nil
	})
}

// swap replaces density_cells by the staging table and density_grids by
// the run's grids on tx, the transaction that swaps hex_stats in.
func (st *densityStage) swap(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, fmt.Sprintf(swapDensitySQL, st.name)); err != nil {
		return fmt.Errorf("swap density cells: %w", pg.Interpret(err))
	}
	if _, err := tx.Exec(ctx, clearDensityGridsSQL); err != nil {
		return fmt.Errorf("clear density grids: %w", pg.Interpret(err))
	}
	keys := make([]string, len(st.surf))
	cells, bws, refs := make([]float64, len(st.surf)), make([]float64, len(st.surf)), make([]float64, len(st.surf))
	for i, s := range st.surf {
		keys[i], cells[i], bws[i], refs[i] = s.key, s.cell, s.bandwidth, s.ref
	}
	if _, err := tx.Exec(ctx, insertDensityGridsSQL, keys, st.runID, cells, bws, refs); err != nil {
		return fmt.Errorf("insert density grids: %w", pg.Interpret(err))
	}
	st.swapped = true
	return nil
}

// discard drops the staging table unless it was swapped in.
func (st *densityStage) discard(ctx context.Context) {
	if !st.swapped {
		_, _ = st.db.Exec(context.WithoutCancel(ctx), fmt.Sprintf(dropStageSQL, st.name))
	}
}

// densityRows returns copyStream's appendRows for the surfaces' rows.
func densityRows(surf []densitySurface, runID int64) func(buf []byte, limit int) ([]byte, bool) {
	si, ri := 0, 0
	return func(buf []byte, limit int) ([]byte, bool) {
		for si < len(surf) && len(buf) < limit {
			s := &surf[si]
			if ri >= len(s.rows) {
				si, ri = si+1, 0
				continue
			}
			row := s.rows[ri]
			ri++
			buf = binary.BigEndian.AppendUint16(buf, uint16(len(densityCellColumns)))
			buf = appendBytes(buf, []byte(s.key))
			if row.district == 0 {
				buf = binary.BigEndian.AppendUint32(buf, math.MaxUint32) // NULL
			} else {
				buf = appendInt(buf, 4, uint64(uint32(row.district)))
			}
			buf = appendInt(buf, 4, uint64(uint32(row.x)))
			buf = appendInt(buf, 4, uint64(uint32(row.y)))
			buf = appendInt(buf, 8, math.Float64bits(row.density))
			buf = appendInt(buf, 8, uint64(runID))
		}
		return buf, si < len(surf)
	}
}

// densityWrite fills the density staging table beside the hex_stats write
// (on its own pool connection) and swaps it in on the hex_stats swap
// transaction.
type densityWrite struct {
	st      *densityStage
	done    chan error
	err     error
	wait    bool
	elapsed time.Duration // the fill's; read after done
}

// writeDensity creates the density staging table and starts filling it: in
// the background on a pool, at once on a single connection (which the
// hex_stats copy is using in the background only on a pool).
func (p *Pipeline) writeDensity(ctx context.Context, runID int64, dens []densitySurface) (*densityWrite, error) {
	st, err := newDensityStage(ctx, p.stats.db, runID, dens)
	if err != nil {
		return nil, err
	}
	dw := &densityWrite{st: st, done: make(chan error, 1), wait: true}
	fill := func() {
		start := time.Now()
		err := st.fill(ctx)
		dw.elapsed = time.Since(start)
		dw.done <- err
	}
	if parallelism(p.stats.db) > 1 {
		go fill()
	} else {
		fill()
	}
	return dw, nil
}

// swap waits for the fill and swaps the staging table in on tx.
func (dw *densityWrite) swap(ctx context.Context, tx pgx.Tx) error {
	if dw.wait {
		dw.err, dw.wait = <-dw.done, false
	}
	if dw.err != nil {
		return dw.err
	}
	return dw.st.swap(ctx, tx)
}

// close waits for a fill still running and drops the staging table unless
// it was swapped in.
func (dw *densityWrite) close(ctx context.Context) {
	if dw.wait {
		<-dw.done
		dw.wait = false
	}
	dw.st.discard(ctx)
}
