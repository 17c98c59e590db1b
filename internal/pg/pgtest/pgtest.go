// Package pgtest gives each test its own PostGIS database with the full
// Vikalp and River schema. A template database is migrated once per migration
// hash and cloned per test (pgtestdb), so a fresh database costs tens of
// milliseconds. Tests fail, never skip, when no database is reachable.
package pgtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/peterldowns/pgtestdb"

	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/migrations"
)

// New returns a pool on a fresh, fully migrated test database, closed and
// dropped when the test ends. It fails the test when DATABASE_URL is unset or
// the server is unreachable: run tests through `make test`, which starts one.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := URL(t)
	pool, err := pg.Open(context.Background(), url, 8)
	if err != nil {
		t.Fatalf("pgtest: open test database: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// URL returns the connection URL of a fresh, fully migrated test database.
func URL(t testing.TB) string {
	t.Helper()
	conf, err := baseConfig()
	if err != nil {
		t.Fatalf("pgtest: %v (run tests with `make test`, which starts a local PostGIS)", err)
	}
	inst := pgtestdb.Custom(t, conf, migrator{})
	return inst.URL()
}

// baseConfig turns DATABASE_URL into pgtestdb's connection settings.
func baseConfig() (pgtestdb.Config, error) {
	raw := os.Getenv("DATABASE_URL")
	if raw == "" {
		return pgtestdb.Config{}, fmt.Errorf("DATABASE_URL is not set")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return pgtestdb.Config{}, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	pass, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	opts := u.RawQuery
	if opts == "" {
		opts = "sslmode=disable"
	}
	return pgtestdb.Config{
		DriverName: "pgx",
		Host:       u.Hostname(),
		Port:       port,
		User:       u.User.Username(),
		Password:   pass,
		Database:   strings.TrimPrefix(u.Path, "/"),
		Options:    opts,
		// CREATE EXTENSION postgis needs a superuser; this role exists only in
		// test clusters.
		TestRole: &pgtestdb.Role{
			Username:     "vikalp_test",
			Password:     "vikalp_test",
			Capabilities: "SUPERUSER",
		},
		ForceTerminateConnections: true,
	}, nil
}

// migrator runs the production migrations (ours and River's) on the template.
type migrator struct{}

// Hash identifies the schema by the content of every embedded migration file.
func (migrator) Hash() (string, error) {
	h := sha256.New()
	h.Write([]byte("river+goose-v1"))
	err := fs.WalkDir(migrations.Files(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.Files(), path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// Migrate migrates the template database.
func (migrator) Migrate(ctx context.Context, _ *sql.DB, conf pgtestdb.Config) error {
	pool, err := pg.Open(ctx, conf.URL(), 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	_, err = migrations.Up(ctx, pool, nil)
	return err
}
