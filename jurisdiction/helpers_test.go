package jurisdiction_test

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/internal/shareddata"
	"github.com/vikalp/vikalp/jurisdiction"
)

// Known points from the issue.
var (
	lucknow   = latLon{26.85, 80.95}
	varanasi  = latLon{25.3176, 82.9739}
	agra      = latLon{27.1767, 78.0081}
	gorakhpur = latLon{26.7606, 83.3732}
	mumbai    = latLon{19.076, 72.8777}
	// Pokhara, Nepal: inside UP's buffered bounding box, far from any district.
	pokhara = latLon{28.2096, 83.9856}
)

type latLon struct{ lat, lon float64 }

// sharedDataFile returns the path of a file in the project's shared/data.
func sharedDataFile(t testing.TB, name string) string {
	t.Helper()
	return shareddata.File(t, name)
}

// districtsFile is the real district boundary file.
func districtsFile(t testing.TB) string {
	t.Helper()
	return sharedDataFile(t, "up-districts.geojson")
}

// setup returns a fresh migrated database and a context.
func setup(t *testing.T) (context.Context, *pgxpool.Pool) {
	t.Helper()
	return context.Background(), pgtest.New(t)
}

// importRealDistricts loads the 75 real districts into db.
func importRealDistricts(ctx context.Context, t *testing.T, db *pgxpool.Pool) jurisdiction.ImportReport {
	t.Helper()
	f, err := os.Open(districtsFile(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := jurisdiction.ImportDistricts(ctx, db, f, jurisdiction.ImportOptions{})
	if err != nil {
		t.Fatalf("import districts: %v", err)
	}
	return rep
}

// approximateDistricts generates the 75 demo districts into db (fast: no
// boundary file).
func approximateDistricts(ctx context.Context, t *testing.T, db *pgxpool.Pool) {
	t.Helper()
	facts, err := jurisdiction.DistrictFacts()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jurisdiction.NewDistrictStore(db).InsertApproximateDistricts(ctx, facts, geo.UPBound); err != nil {
		t.Fatalf("insert approximate districts: %v", err)
	}
}

// importText runs an import function on GeoJSON text.
func importText(ctx context.Context, db *pgxpool.Pool, text string, strict bool,
	fn func(context.Context, pg.DBTX, io.Reader, jurisdiction.ImportOptions) (jurisdiction.ImportReport, error),
) (jurisdiction.ImportReport, error) {
	return fn(ctx, db, strings.NewReader(text), jurisdiction.ImportOptions{Strict: strict})
}

// wantUserError fails unless err is a vikalp.ErrInvalid user error with code.
func wantUserError(t *testing.T, err error, code string) {
	t.Helper()
	if !errors.Is(err, vikalp.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	ue, ok := vikalp.AsUserError(err)
	if !ok || ue.Code != code {
		t.Fatalf("err = %#v, want user error with code %q", err, code)
	}
}

// wantCounts compares an import's counts.
func wantCounts(t *testing.T, what string, got, want jurisdiction.Counts) {
	t.Helper()
	if got != want {
		t.Errorf("%s: counts = %+v, want %+v", what, got, want)
	}
}

// assertRowCount fails unless table has n rows. table is a test constant.
func assertRowCount(ctx context.Context, t *testing.T, db *pgxpool.Pool, table string, n int) {
	t.Helper()
	var got int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Errorf("%s has %d rows, want %d", table, got, n)
	}
}

func pointOf(p latLon) orb.Point { return orb.Point{p.lon, p.lat} }
