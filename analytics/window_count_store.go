package analytics

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// windowCount is one aggregate row of the pipeline's input: the records of
// one source in an r9 cell and district, per window (index of Config.Windows).
type windowCount struct {
	Cell       int64 // r9
	DistrictID int32
	Total      int32 // every weighted record in the lookback (for the cell's district)
	N          []int32
	NDistinct  []int32
	Score      []float64
}

// periodScore is the severity-weighted count of one emerging-resolution cell
// in one period of the emerging cube (0 is the oldest).
type periodScore struct {
	Cell   int64
	Period int
	Score  float64
}

// windowQuery is what the input queries need to know of a run.
type windowQuery struct {
	Since, AsOf   time.Time
	WindowStarts  []time.Time // as-of minus each window's days (24 h days)
	HalfLife      time.Duration
	Weights       map[string]float64
	PeriodDays    int
	Periods       int
	EmergingCells string // reports/complaints column of the emerging resolution
}

// The input queries aggregate in SQL at the coarsest grain the pipeline
// needs: one row per (r9 cell, district) with a count/distinct/score triple
// per window as FILTER aggregates (windows nest, so one pass serves all), and
// one row per (emerging cell, period). Severity weights join as an unnest of
// two arrays, so categories without weight never leave the database. Ages
// are whole 24 h days counted back from the as-of time, as in CellCount.
const (
	// reportInputSQL (a format: %s takes reportPartSQL): approved reports
	// only (the public pool, ARCHITECTURE §6): pending and rejected reports
	// and complaints never count. An
	// approved report is distinct (dist) unless an approved report of the
	// same r9 cell and category was made at most 24 h before it (ties by
	// id): a function of approved reports alone, unlike duplicate_of, which
	// may point at a pending or rejected report (docs/PRIVACY.md). The lag
	// reads 24 h before the lookback so that its first day is judged alike.
	reportInputSQL = `
SELECT cell, district_id, at, sev, dist FROM (
	SELECT h3_r9 AS cell, district_id, event_at AS at, w.sev,
		coalesce(event_at - lag(event_at) OVER (PARTITION BY h3_r9, category ORDER BY event_at, id)
			> interval '24 hours', true) AS dist
	FROM reports JOIN unnest($3::text[], $4::float8[]) AS w(category, sev) USING (category)
	WHERE status = 'approved' AND event_at > $1::timestamptz - interval '24 hours' AND event_at <= $2%s) AS r
WHERE at > $1`
	// reportPartSQL, in reportInputSQL's %s, narrows it to the r9 cells
	// whose hash falls in part %[2]d of %[1]d (hashint8 may be negative,
	// hence the abs).
	reportPartSQL = ` AND abs(hashint8(h3_r9) %% %d) = %d`
	// reportPeriodInputSQL is reportInputSQL without dist (the emerging
	// cube sums scores only, and the window function would cost a sort).
	reportPeriodInputSQL = `
SELECT h3_r9 AS cell, district_id, event_at AS at, w.sev
FROM reports JOIN unnest($3::text[], $4::float8[]) AS w(category, sev) USING (category)
WHERE status = 'approved' AND event_at > $1 AND event_at <= $2`
	// ageDaysSQL is the whole days between the as-of time and a record.
	ageDaysSQL = `floor(extract(epoch FROM ($2::timestamptz - at)) / 86400)`
	// decaySQL mirrors decay(): 0.5^((age days + 0.5) · 24 h / half-life),
	// with the half-life in nanoseconds (%d: the last parameter).
	decaySQL = `power(0.5, (` + ageDaysSQL + `::float8 + 0.5) * 24 * 3600000000000.0 / $%d::float8)`
	// periodInputSQL groups the emerging cube by cell and period ($5 days
	// each, from $6): %s is reportPeriodInputSQL with the emerging cell
	// column (from an allow-list) as ecell.
	periodInputSQL = `
SELECT ecell, (` + ageDaysSQL + `)::int / $5::int AS period, sum(sev)
FROM (%s) AS src
WHERE at > $6
GROUP BY 1, 2`
	// inputSettingsSQL: JIT compilation costs more than it saves on these
	// short aggregates; hash aggregates of a few hundred thousand groups
	// should stay in memory. No parallel workers: the three queries already
	// run side by side, and a parallel hash aggregate over this many groups
	// hashes every group twice (partial and final) for the same wall time
	// (EXPLAIN ANALYZE on 1 M reports: 1.21 s serial, 1.25 s with 2 workers).
	inputSettingsSQL = `SET LOCAL jit = off; SET LOCAL work_mem = '128MB'; SET LOCAL max_parallel_workers_per_gather = 0`
)

// reportInputPart is reportInputSQL for part k of n (see readParts).
func reportInputPart(k, n int) string {
	return fmt.Sprintf(reportInputSQL, fmt.Sprintf(reportPartSQL, n, k))
}

// emergingColumns are the H3 columns reports store.
var emergingColumns = map[int]string{5: "h3_r5", 7: "h3_r7", 8: "h3_r8", 9: "h3_r9"}

// windowCountSQL builds the per-window aggregate over src. Only the number
// of FILTER clauses varies, and the values are parameters: $5… the window
// starts, then the half-life when decayed.
func windowCountSQL(src string, nWindows int, decayed bool) string {
	score := "sev"
	if decayed {
		score = "sev * " + fmt.Sprintf(decaySQL, 5+nWindows)
	}
	var b strings.Builder
	b.WriteString("SELECT cell, district_id, count(*)::int")
	for i := range nWindows {
		f := fmt.Sprintf(" FILTER (WHERE at > $%d)", 5+i)
		fmt.Fprintf(&b, ",\n (count(*)%s)::int, (count(*) FILTER (WHERE dist AND at > $%d))::int, coalesce(sum(%s)%s, 0)",
			f, 5+i, score, f)
	}
	fmt.Fprintf(&b, "\nFROM (%s) AS src\nGROUP BY 1, 2", src)
	return b.String()
}

// windowCounts returns the per-window aggregates of src (reportInputSQL).
func (s *HexStatStore) windowCounts(ctx context.Context, src string, q windowQuery) ([]windowCount, error) {
	cats, sevs := weightArrays(q.Weights)
	args := []any{q.Since, q.AsOf, cats, sevs}
	for _, t := range q.WindowStarts {
		args = append(args, t)
	}
	if q.HalfLife > 0 {
		args = append(args, float64(q.HalfLife))
	}
	sql := windowCountSQL(src, len(q.WindowStarts), q.HalfLife > 0)
	var out []windowCount
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, inputSettingsSQL); err != nil {
			return fmt.Errorf("set input settings: %w", err)
		}
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return fmt.Errorf("aggregate window counts: %w", pg.Interpret(err))
		}
		defer rows.Close()
		nw := len(q.WindowStarts)
		dest := make([]any, 3+3*nw)
		var c windowCount
		dest[0], dest[1], dest[2] = &c.Cell, &c.DistrictID, &c.Total
		n, nd, sc := make([]int32, nw), make([]int32, nw), make([]float64, nw)
		for i := range nw {
			dest[3+3*i], dest[4+3*i], dest[5+3*i] = &n[i], &nd[i], &sc[i]
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return fmt.Errorf("scan window counts: %w", err)
			}
			c.N, c.NDistinct, c.Score = append([]int32(nil), n...), append([]int32(nil), nd...), append([]float64(nil), sc...)
			out = append(out, c)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("aggregate window counts: %w", pg.Interpret(err))
		}
		return nil
	})
	return out, err
}

// periodScores returns the emerging cube's per-period scores of approved
// reports (weighted by w), without decay. Cells are at the resolution of
// q.EmergingCells.
func (s *HexStatStore) periodScores(ctx context.Context, q windowQuery, w map[string]float64) ([]periodScore, error) {
	col, ok := emergingColumns[resolutionOfColumn(q.EmergingCells)]
	if !ok || col != q.EmergingCells {
		return nil, fmt.Errorf("emerging cells column %q is not allowed", q.EmergingCells)
	}
	src := strings.Replace(reportPeriodInputSQL, "SELECT h3_r9 AS cell,", "SELECT "+col+" AS ecell,", 1)
	cats, sevs := weightArrays(w)
	start := q.AsOf.Add(-time.Duration(q.Periods*q.PeriodDays) * 24 * time.Hour)
	var out []periodScore
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, inputSettingsSQL); err != nil {
			return fmt.Errorf("set input settings: %w", err)
		}
		rows, err := tx.Query(ctx, fmt.Sprintf(periodInputSQL, src), q.Since, q.AsOf, cats, sevs, q.PeriodDays, start)
		if err != nil {
			return fmt.Errorf("aggregate period scores: %w", pg.Interpret(err))
		}
		var p periodScore
		_, err = pgx.ForEachRow(rows, []any{&p.Cell, &p.Period, &p.Score}, func() error {
			out = append(out, p)
			return nil
		})
		if err != nil {
			return fmt.Errorf("scan period scores: %w", pg.Interpret(err))
		}
		return nil
	})
	return out, err
}

// resolutionOfColumn returns the resolution of an emergingColumns value.
func resolutionOfColumn(col string) int {
	for r, c := range emergingColumns {
		if c == col {
			return r
		}
	}
	return 0
}

// weightArrays returns the categories with a positive weight and their
// weights, as parallel arrays for unnest.
func weightArrays(w map[string]float64) ([]string, []float64) {
	var cats []string
	var sevs []float64
	for c, v := range w {
		if v > 0 {
			cats = append(cats, c)
			sevs = append(sevs, v)
		}
	}
	return cats, sevs
}
