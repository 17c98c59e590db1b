package migrations_test

import (
	"context"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/migrations"
)

// TestUpFromEmptyThenNoop migrates a brand-new empty database (not the
// pgtest template) to the latest version, then checks a second run changes
// nothing.
func TestUpFromEmptyThenNoop(t *testing.T) {
	ctx := context.Background()
	base := os.Getenv("DATABASE_URL")
	if base == "" {
		t.Fatal("DATABASE_URL is not set: run tests with `make test`")
	}
	admin, err := pg.Open(ctx, base, 2)
	if err != nil {
		t.Fatalf("open admin connection: %v", err)
	}
	defer admin.Close()

	name := "vikalp_migrate_test"
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Fatalf("drop old database: %v", err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})

	pool, err := pg.Open(ctx, withDatabase(t, base, name), 2)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	defer pool.Close()

	first, err := migrations.Up(ctx, pool, nil)
	if err != nil {
		t.Fatalf("first migrate: %v", err)
	}
	if len(first.Applied) == 0 || len(first.RiverApplied) == 0 {
		t.Fatalf("first migrate applied nothing: %+v", first)
	}
	var hasRiver, hasPostGIS bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('river_job') IS NOT NULL,
		EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')`).Scan(&hasRiver, &hasPostGIS); err != nil {
		t.Fatal(err)
	}
	if !hasRiver || !hasPostGIS {
		t.Fatalf("river_job table %v, postgis %v; want both", hasRiver, hasPostGIS)
	}

	second, err := migrations.Up(ctx, pool, nil)
	if err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if len(second.Applied) != 0 || len(second.RiverApplied) != 0 {
		t.Fatalf("second migrate was not a no-op: %+v", second)
	}
}

// withDatabase returns raw with its database name replaced.
func withDatabase(t *testing.T, raw, name string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("parse DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// routeCellsTriggers00045 is how 00045 left the route cell triggers: every
// statement on a routing table invalidates.
var routeCellsTriggers00045 = []string{
	"CREATE TRIGGER ahtu_districts_route_cells AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.ahtu_districts FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate()",
	"CREATE TRIGGER districts_route_cells AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.districts FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate()",
	"CREATE TRIGGER pcr_units_route_cells AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.pcr_units FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate()",
	"CREATE TRIGGER police_stations_route_cells AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.police_stations FOR EACH STATEMENT EXECUTE FUNCTION route_cells_invalidate()",
}

// TestRouteCellsRealChangesDownUp takes 00046 down and up again: down
// restores 00045's triggers exactly, up brings back the per-event ones.
func TestRouteCellsRealChangesDownUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.Files())
	if err != nil {
		t.Fatal(err)
	}
	latest := routeCellsTriggers(ctx, t, pool)
	if len(latest) != 16 {
		t.Fatalf("%d route cell triggers at the latest version, want 16 (4 tables × 4 events):\n%s",
			len(latest), strings.Join(latest, "\n"))
	}

	if _, err := provider.DownTo(ctx, 45); err != nil {
		t.Fatalf("down to 00045: %v", err)
	}
	if got := routeCellsTriggers(ctx, t, pool); !slices.Equal(got, routeCellsTriggers00045) {
		t.Fatalf("triggers after down:\n%s\nwant 00045's:\n%s",
			strings.Join(got, "\n"), strings.Join(routeCellsTriggers00045, "\n"))
	}
	var fn *string
	if err := pool.QueryRow(ctx, `SELECT to_regproc('route_cells_invalidate_changed')::text`).Scan(&fn); err != nil || fn != nil {
		t.Fatalf("route_cells_invalidate_changed after down: %v (%v), want gone", fn, err)
	}

	if _, err := provider.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if got := routeCellsTriggers(ctx, t, pool); !slices.Equal(got, latest) {
		t.Fatalf("triggers after up again:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(latest, "\n"))
	}
}

// routeCellsTriggers returns the definitions of the triggers that call a
// route_cells_invalidate function, sorted.
func routeCellsTriggers(ctx context.Context, t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t
		JOIN pg_proc p ON p.oid = t.tgfoid
		WHERE NOT t.tgisinternal AND p.proname LIKE 'route\_cells\_invalidate%'
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return defs
}
