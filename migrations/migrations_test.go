package migrations_test

import (
	"context"
	"net/url"
	"os"
	"testing"

	"github.com/vikalp/vikalp/internal/pg"
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
