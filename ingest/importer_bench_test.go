package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/internal/shareddata"
	"github.com/vikalp/vikalp/jurisdiction"
)

// BenchmarkImport imports a generated 100k-row CSV into a database seeded
// with the real district boundaries (shared/data/up-districts.geojson when
// present, else the approximate demo shapes) and reports rows/s. Each
// iteration uses fresh source ids, so every row is inserted and routed.
// Batches load on as many connections as there are CPUs, as the CLI does.
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	db := pgtest.New(b)
	if _, err := jurisdiction.SeedDemo(ctx, db, districtsFile(), nil); err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	files := make([][]byte, b.N)
	for i := range files {
		files[i] = ingesttest.ReportsCSV(b, n, uint64(i+1), fmt.Sprintf("bench%d", i))
	}
	b.ResetTimer()
	start := time.Now()
	loaded := 0
	for i := 0; i < b.N; i++ {
		sum, err := ingest.ImportReports(ctx, db, bytes.NewReader(files[i]), ingest.ImportOptions{Workers: runtime.NumCPU()})
		if err != nil {
			b.Fatal(err)
		}
		loaded += sum.Loaded
	}
	b.ReportMetric(float64(loaded)/time.Since(start).Seconds(), "rows/s")
}

// districtsFile is the real boundary file if the checkout sits beside
// shared/, else "" (approximate districts).
func districtsFile() string {
	p, _ := shareddata.Path("up-districts.geojson")
	return p
}
