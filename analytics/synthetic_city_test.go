package analytics

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// Test fixtures: a square district around Lucknow (LGD 162) and a second
// one beside it; reports are copied straight into the reports table.
const (
	testDistrict      = 162
	testOtherDistrict = 163
)

var testAsOf = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// testReport is one report row for copyReports.
type testReport struct {
	Cell9       int64 // r9 cell; the point is its centre
	At          time.Time
	Category    string
	Status      string // default approved
	DuplicateOf bool   // mark as a duplicate (links to the first report copied)
	District    int    // default testDistrict
}

type pipelineBundle struct {
	db   *pgxpool.Pool
	jobs *river.Client[pgx.Tx]
}

// setupPipeline returns a migrated database with the test districts and an
// insert-only River client.
func setupPipeline(t testing.TB) pipelineBundle {
	t.Helper()
	db := pgtest.New(t)
	ctx := context.Background()
	for _, d := range []struct {
		id         int
		slug       string
		lon0, lon1 float64
	}{{testDistrict, "lucknow", 80.0, 81.5}, {testOtherDistrict, "meerut", 77.0, 78.0}} {
		_, err := db.Exec(ctx, `INSERT INTO districts (id, name_en, slug, geom)
			VALUES ($1, $2, $2, ST_Multi(ST_MakeEnvelope($3, 26.0, $4, 27.5, 4326)))`, d.id, d.slug, d.lon0, d.lon1)
		if err != nil {
			t.Fatal(err)
		}
	}
	jobs, err := river.NewClient(riverpgxv5.New(db), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return pipelineBundle{db: db, jobs: jobs}
}

// copyReports stores reports with COPY.
func copyReports(t testing.TB, db *pgxpool.Pool, reports []testReport) {
	t.Helper()
	ctx := context.Background()
	var first int64
	rows := make([][]any, len(reports))
	for i, r := range reports {
		c := h3.Cell(r.Cell9)
		ll := c.LatLng()
		pt, err := ewkb.Marshal(orb.Point{ll.Lng, ll.Lat}, 4326)
		if err != nil {
			t.Fatal(err)
		}
		status, district, cat := r.Status, r.District, r.Category
		if status == "" {
			status = "approved"
		}
		if district == 0 {
			district = testDistrict
		}
		if cat == "" {
			cat = "groping"
		}
		var reason any
		if status == "rejected" {
			reason = "spam"
		}
		rows[i] = []any{"import", status, reason, cat, r.At, r.At, r.At, "import", pt,
			int64(c.Parent(5)), int64(c.Parent(7)), int64(c.Parent(8)), int64(c), int32(district)}
	}
	_, err := db.CopyFrom(ctx, pgx.Identifier{"reports"}, []string{"source", "status", "reject_reason", "category",
		"occurred_at", "received_at", "event_at", "location_source", "geom", "h3_r5", "h3_r7", "h3_r8", "h3_r9",
		"district_id"}, pgx.CopyFromRows(rows))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT min(id) FROM reports`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	for i, r := range reports {
		if r.DuplicateOf {
			// Rows keep COPY order, so the i-th copied row has id first+i.
			if _, err := db.Exec(ctx, `UPDATE reports SET duplicate_of = $1 WHERE id = $2`, first, first+int64(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// syntheticCity is a disk of r8 cells around Lucknow with uniform noise and
// optional planted clusters. Each cell's reports sit at random r9 children.
type syntheticCity struct {
	center h3.Cell
	cells  []h3.Cell // r8
	rng    *rand.Rand
}

func newSyntheticCity(seed uint64, radius int) *syntheticCity {
	center := h3.LatLngToCell(h3.NewLatLng(26.85, 80.95), 8)
	return &syntheticCity{center: center, cells: h3.GridDisk(center, radius), rng: rand.New(rand.NewPCG(seed, 7))}
}

// noise draws Poisson(lambda) reports per cell per week for weeks weeks.
func (s *syntheticCity) noise(lambda float64, weeks int) []testReport {
	var out []testReport
	for _, c := range s.cells {
		for w := 0; w < weeks; w++ {
			for n := poisson(s.rng, lambda); n > 0; n-- {
				out = append(out, s.report(c, w*7+s.rng.IntN(7)))
			}
		}
	}
	return out
}

// plant adds n reports in each of the cells within distance 1 of c, in
// each of the given weeks back (0 is the latest).
func (s *syntheticCity) plant(c h3.Cell, n int, weeks ...int) []testReport {
	var out []testReport
	for _, cell := range h3.GridDisk(c, 1) {
		for _, w := range weeks {
			for i := 0; i < n; i++ {
				out = append(out, s.report(cell, w*7+s.rng.IntN(7)))
			}
		}
	}
	return out
}

func (s *syntheticCity) report(c h3.Cell, ageDays int) testReport {
	kids := c.Children(9)
	at := testAsOf.Add(-time.Duration(ageDays)*24*time.Hour - time.Duration(1+s.rng.IntN(23*60))*time.Minute)
	return testReport{Cell9: int64(kids[s.rng.IntN(len(kids))]), At: at, Category: "groping"}
}

// poisson draws a Poisson variate (Knuth; fine for small lambda).
func poisson(rng *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
