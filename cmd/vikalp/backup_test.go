package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// TestBackupAndRestore backs up a database with complaints, reports, tips,
// photos and River jobs with scripts/backup.sh, restores it with
// scripts/restore.sh into a database and media directory that do not exist
// yet, and finds everything: the same row count in every table, the same
// blobs byte for byte, and sealed originals that open with the data key and
// match the SHA-256 recorded at upload.
func TestBackupAndRestore(t *testing.T) {
	t.Parallel()
	d := setupDemo(t, pgtest.URL(t))
	srcURL, srcMedia, bin := d.dbURL, d.mediaDir, d.bin
	srv := d.serve(t, "serve", true)
	photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 160, Height: 120})
	for _, s := range makeSubmissions("backup", 3, photo) {
		s.sendUntilAnswered(t, srv.base, 2*time.Minute)
	}
	srv.stop(os.Interrupt, 10*time.Second)

	dir := t.TempDir()
	out := filepath.Join(dir, "backup")
	script(t, "backup.sh", []string{"DATABASE_URL=" + srcURL, "VIKALP_MEDIA_URL=file://" + srcMedia}, out)
	for _, f := range []string{"db.dump", "media.tar", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Fatalf("backup lacks %s: %v", f, err)
		}
	}
	manifest, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	for _, want := range []string{`"commit"`, `"created_at"`, `"sha256"`, `"blobs"`} {
		if !bytes.Contains(manifest, []byte(want)) {
			t.Errorf("manifest lacks %s:\n%s", want, manifest)
		}
	}

	dstURL := freshDatabaseURL(t)
	dstMedia := filepath.Join(dir, "restored", "media")
	script(t, "restore.sh", []string{"DATABASE_URL=" + dstURL, "VIKALP_MEDIA_URL=file://" + dstMedia, "VIKALP_BIN=" + bin}, out)

	src, dst := openPool(t, srcURL), openPool(t, dstURL)
	tables := tableCounts(t, src)
	if got := tableCounts(t, dst); fmt.Sprint(got) != fmt.Sprint(tables) {
		t.Errorf("row counts after restore:\n got %v\nwant %v", got, tables)
	}
	for _, table := range []string{"complaints", "reports", "tips", "media", "tip_media", "report_media", "river_job", "users"} {
		if tables[table] == 0 {
			t.Errorf("source table %s is empty; the test proves little", table)
		}
	}
	srcBlobs, dstBlobs := blobSums(t, srcMedia), blobSums(t, dstMedia)
	if len(srcBlobs) == 0 || fmt.Sprint(srcBlobs) != fmt.Sprint(dstBlobs) {
		t.Errorf("restored %d blobs, want the %d of the source with the same SHA-256", len(dstBlobs), len(srcBlobs))
	}
	checkSealedOriginals(t, dst, dstMedia)
	var total int64
	for _, c := range tables {
		total += c
	}
	t.Logf("restored %d tables with %d rows and %d blob files", len(tables), total, len(dstBlobs))

	// Restore never overwrites: the same target again is refused.
	cmd := scriptCmd("restore.sh", []string{"DATABASE_URL=" + dstURL, "VIKALP_MEDIA_URL=file://" + dstMedia, "VIKALP_BIN=" + bin}, out)
	if err := cmd.Run(); err == nil {
		t.Error("restore into a database with data succeeded, want a refusal")
	}
}

// script runs scripts/name with extra environment and args, failing the
// test with its output when it fails.
func script(t *testing.T, name string, env []string, args ...string) {
	t.Helper()
	cmd := scriptCmd(name, env, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out.String())
	}
}

func scriptCmd(name string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join("..", "..", "scripts", name), args...)
	cmd.Env = append(os.Environ(), append([]string{"VIKALP_DATABASE_URL="}, env...)...)
	return cmd
}

// freshDatabaseURL names a database that does not exist yet on the test
// server (DATABASE_URL); it is dropped when the test ends.
func freshDatabaseURL(t *testing.T) string {
	t.Helper()
	base, err := url.Parse(os.Getenv("DATABASE_URL"))
	if err != nil || base.Host == "" {
		t.Fatalf("DATABASE_URL %q: %v (run tests with make test)", os.Getenv("DATABASE_URL"), err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "vikalp_restore_" + hex.EncodeToString(b[:])
	u := *base
	u.Path = "/" + name
	t.Cleanup(func() {
		admin, err := pgxpool.New(context.Background(), base.String())
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec(context.Background(), `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`)
	})
	return u.String()
}

// tableCounts counts the rows of every table in the public schema.
func tableCounts(t *testing.T, db *pgxpool.Pool) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	out := map[string]int64{}
	for _, n := range names {
		var c int64
		// Table names come from the catalogue, quoted as identifiers.
		if err := db.QueryRow(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(n, `"`, `""`)+`"`).Scan(&c); err != nil {
			t.Fatalf("count %s: %v", n, err)
		}
		out[n] = c
	}
	return out
}

// blobSums maps every file under dir (relative path) to its SHA-256.
func blobSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		sum := sha256.Sum256(data)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkSealedOriginals opens every restored sealed original with the
// development data key the server ran with and compares its SHA-256 with
// the one stored at upload.
func checkSealedOriginals(t *testing.T, db *pgxpool.Pool, mediaDir string) {
	t.Helper()
	keyring, err := auth.ParseKeyring(devDataKey)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(context.Background(), `SELECT blob_prefix, sha256 FROM media`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var prefix string
		var sum []byte
		if err := rows.Scan(&prefix, &sum); err != nil {
			t.Fatal(err)
		}
		sealed, err := os.ReadFile(filepath.Join(mediaDir, prefix, "original.sealed"))
		if err != nil {
			t.Errorf("media %s: %v", prefix, err)
			continue
		}
		// The associated data binds a sealed original to its prefix (ingest.originalAAD).
		plain, err := keyring.Open(sealed, []byte("media.original:"+prefix))
		if err != nil {
			t.Errorf("media %s: sealed original does not open: %v", prefix, err)
			continue
		}
		if got := sha256.Sum256(plain); !bytes.Equal(got[:], sum) {
			t.Errorf("media %s: original's SHA-256 differs from the one stored at upload", prefix)
		}
		n++
	}
	if n == 0 {
		t.Error("no sealed original was checked")
	}
}
