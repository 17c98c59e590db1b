package pmtiles_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	ref "github.com/protomaps/go-pmtiles/pmtiles"

	"github.com/vikalp/vikalp/internal/pmtiles"
	"github.com/vikalp/vikalp/internal/pmtilestest"
)

var lucknow = pmtilestest.Place{Lat: 26.8467, Lon: 80.9462, Properties: map[string]any{"name": "Lucknow"}}

// open opens location and closes it with the test.
func open(t *testing.T, location string, opts pmtiles.Options) *pmtiles.Archive {
	t.Helper()
	a, err := pmtiles.Open(context.Background(), location, opts)
	if err != nil {
		t.Fatalf("open %s: %v", location, err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestArchiveReadsPMTilesTestArchive(t *testing.T) {
	t.Parallel()
	ar := pmtilestest.Write(t, "up", 5, 8, lucknow)
	for _, location := range []string{ar.Path, "file://" + ar.Path} {
		a := open(t, location, pmtiles.Options{})
		h := a.Header()
		if h.MinZoom != 5 || h.MaxZoom != 8 || h.TileType != pmtiles.MVT || h.TileCompression != pmtiles.Gzip ||
			h.Bounds != [4]float64{77, 23.8, 84.7, 30.5} || h.CenterZoom != 5 {
			t.Errorf("%s: header %+v", location, h)
		}
		for mt, stored := range ar.Tiles {
			data, ok, err := a.Tile(context.Background(), uint8(mt.Z), mt.X, mt.Y)
			if err != nil || !ok || !bytes.Equal(data, stored) {
				t.Errorf("tile %v: ok %v, %d bytes (stored %d), %v", mt, ok, len(data), len(stored), err)
			}
			// The neighbour is inside the zoom range but not in the archive.
			if _, ok, err := a.Tile(context.Background(), uint8(mt.Z), mt.X+1, mt.Y); ok || err != nil {
				t.Errorf("neighbour of %v: ok %v, %v; want a miss", mt, ok, err)
			}
			// The parent at z-1 and children at z+1 exist only inside 5..8.
			if mt.Z == 8 {
				if _, ok, err := a.Tile(context.Background(), 9, mt.X*2, mt.Y*2); ok || err != nil {
					t.Errorf("below the max zoom: ok %v, %v", ok, err)
				}
			}
		}
		if _, ok, err := a.Tile(context.Background(), 4, 11, 6); ok || err != nil {
			t.Errorf("above the min zoom: ok %v, %v", ok, err)
		}
		if _, ok, err := a.Tile(context.Background(), 6, 64, 0); ok || err != nil {
			t.Errorf("x outside the grid: ok %v, %v", ok, err)
		}
		meta, err := a.Metadata(context.Background())
		if err != nil || meta["name"] != "UP test extract" || meta["vector_layers"] == nil {
			t.Errorf("metadata %v, %v", meta, err)
		}
	}
}

func TestTileIDMatchesReference(t *testing.T) {
	t.Parallel()
	for z := uint8(0); z <= 20; z++ {
		n := uint32(1) << z
		for _, xy := range [][2]uint32{{0, 0}, {n - 1, 0}, {0, n - 1}, {n - 1, n - 1}, {n / 3, n / 5}, {n / 2, n / 7 * 3}} {
			ar := writeArchive(t, map[uint64][]byte{ref.ZxyToID(z, xy[0], xy[1]): []byte("t")}, 16000, z, z)
			if _, ok, err := open(t, ar, pmtiles.Options{}).Tile(context.Background(), z, xy[0], xy[1]); !ok || err != nil {
				t.Fatalf("tile %d/%d/%d: ok %v, %v", z, xy[0], xy[1], ok, err)
			}
		}
	}
}

// writeArchive writes an MVT archive of tiles (by tile ID) with go-pmtiles'
// BuildDirectories, which moves entries into leaf directories when the
// root would exceed rootLen bytes.
func writeArchive(t *testing.T, tiles map[uint64][]byte, rootLen int, minZoom, maxZoom uint8) string {
	t.Helper()
	var entries []ref.EntryV3
	var data []byte
	for _, id := range slices.Sorted(maps.Keys(tiles)) {
		b := tiles[id]
		entries = append(entries, ref.EntryV3{TileID: id, Offset: uint64(len(data)), Length: uint32(len(b)), RunLength: 1})
		data = append(data, b...)
	}
	root, leaves, _ := ref.BuildDirectories(entries, rootLen, ref.Gzip)
	return writeParts(t, root, leaves, data, minZoom, maxZoom)
}

// writeParts lays out header, root, metadata, leaves and tile data.
func writeParts(t *testing.T, root, leaves, data []byte, minZoom, maxZoom uint8) string {
	t.Helper()
	meta, err := ref.SerializeMetadata(map[string]any{"name": "test"}, ref.Gzip)
	if err != nil {
		t.Fatal(err)
	}
	h := ref.HeaderV3{SpecVersion: 3, RootOffset: ref.HeaderV3LenBytes, RootLength: uint64(len(root)),
		InternalCompression: ref.Gzip, TileCompression: ref.Gzip, TileType: ref.Mvt, MinZoom: minZoom, MaxZoom: maxZoom}
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.MetadataLength = uint64(len(meta))
	h.LeafDirectoryOffset = h.MetadataOffset + h.MetadataLength
	h.LeafDirectoryLength = uint64(len(leaves))
	h.TileDataOffset = h.LeafDirectoryOffset + h.LeafDirectoryLength
	h.TileDataLength = uint64(len(data))
	path := filepath.Join(t.TempDir(), "test.pmtiles")
	if err := os.WriteFile(path, bytes.Join([][]byte{ref.SerializeHeader(h), root, meta, leaves, data}, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// manyTiles is every tile of zoom 7 (16384 tiles, more than one leaf of
// BuildDirectories' minimum 4096 entries holds), each with its ID as content.
func manyTiles() map[uint64][]byte {
	tiles := map[uint64][]byte{}
	for x := range uint32(128) {
		for y := range uint32(128) {
			id := ref.ZxyToID(7, x, y)
			tiles[id] = binary.AppendUvarint(nil, id)
		}
	}
	return tiles
}

func TestLeafDirectories(t *testing.T) {
	t.Parallel()
	tiles := manyTiles()
	path := writeArchive(t, tiles, 100, 7, 7)
	// A cache smaller than one leaf keeps nothing: every lookup reads leaves.
	for _, opts := range []pmtiles.Options{{}, {CacheBytes: 1}} {
		a := open(t, path, opts)
		for x := uint32(0); x < 128; x += 7 {
			for y := uint32(0); y < 128; y += 5 {
				data, ok, err := a.Tile(context.Background(), 7, x, y)
				if want := tiles[ref.ZxyToID(7, x, y)]; err != nil || !ok || !bytes.Equal(data, want) {
					t.Fatalf("tile 7/%d/%d: ok %v, %x (want %x), %v", x, y, ok, data, want, err)
				}
			}
		}
	}
}

func TestNestedLeavesAndRuns(t *testing.T) {
	t.Parallel()
	// Tile data: "a" for one tile, then "b" repeated for a run of 10 IDs.
	data := []byte("ab")
	first := ref.ZxyToID(3, 0, 0)
	leaf := ref.SerializeEntries([]ref.EntryV3{{TileID: first, Offset: 0, Length: 1, RunLength: 1},
		{TileID: first + 5, Offset: 1, Length: 1, RunLength: 10}}, ref.Gzip)
	// root → middle (leaf of leaves) → leaf.
	middle := ref.SerializeEntries([]ref.EntryV3{{TileID: first, Offset: 0, Length: uint32(len(leaf))}}, ref.Gzip)
	leaves := append(append([]byte{}, leaf...), middle...)
	root := ref.SerializeEntries([]ref.EntryV3{{TileID: 0, Offset: uint64(len(leaf)), Length: uint32(len(middle))}}, ref.Gzip)
	a := open(t, writeParts(t, root, leaves, data, 3, 3), pmtiles.Options{})
	for id, want := range map[uint64]string{first: "a", first + 5: "b", first + 14: "b", first + 1: "", first + 15: ""} {
		z, x, y := ref.IDToZxy(id)
		got, ok, err := a.Tile(context.Background(), z, x, y)
		if err != nil || string(got) != want || ok != (want != "") {
			t.Errorf("tile id %d: %q ok %v (%v), want %q", id, got, ok, err, want)
		}
	}
	// Same content, same offset: the same ETag.
	r1, _, _ := a.Find(context.Background(), 3, 0, 0)
	z, x, y := ref.IDToZxy(first + 5)
	r2, _, _ := a.Find(context.Background(), z, x, y)
	z, x, y = ref.IDToZxy(first + 6)
	r3, _, _ := a.Find(context.Background(), z, x, y)
	if r1.ETag == r2.ETag || r2.ETag != r3.ETag || !strings.HasPrefix(r1.ETag, `"`) {
		t.Errorf("ETags %s %s %s: want distinct for distinct bytes, equal for a run", r1.ETag, r2.ETag, r3.ETag)
	}
}

func TestOpenRefusesBadArchives(t *testing.T) {
	t.Parallel()
	good, err := os.ReadFile(pmtilestest.Write(t, "up", 6, 6, lucknow).Path)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte{}, good...)) }
	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"Short":       {good[:60], "60 bytes, a PMTiles v3 header is 127"},
		"WrongMagic":  {edit(func(b []byte) []byte { copy(b, "MBTiles"); return b }), "not a PMTiles archive"},
		"Version2":    {edit(func(b []byte) []byte { b[7] = 2; return b }), "spec version 2, only version 3"},
		"Brotli":      {edit(func(b []byte) []byte { b[97] = 3; return b }), "internal compression br is not supported"},
		"RootCut":     {good[:140], "before the root's end"},
		"CorruptRoot": {edit(func(b []byte) []byte { copy(b[127:], "garbage!garbage!"); return b }), "root directory"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "bad.pmtiles")
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := pmtiles.Open(context.Background(), path, pmtiles.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("open: %v, want an error containing %q", err, tc.want)
			}
		})
	}
	t.Run("TruncatedTileData", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "cut.pmtiles")
		if err := os.WriteFile(path, good[:len(good)-10], 0o600); err != nil {
			t.Fatal(err)
		}
		a := open(t, path, pmtiles.Options{})
		for mt := range pmtilestest.Write(t, "up", 6, 6, lucknow).Tiles {
			if _, _, err := a.Tile(context.Background(), uint8(mt.Z), mt.X, mt.Y); err == nil || !strings.Contains(err.Error(), "short read") {
				t.Errorf("truncated tile: %v, want a short read", err)
			}
		}
	})
	t.Run("UnsupportedScheme", func(t *testing.T) {
		t.Parallel()
		for _, loc := range []string{"gs://bucket/up.pmtiles", "azblob://c/up.pmtiles"} {
			_, err := pmtiles.Open(context.Background(), loc, pmtiles.Options{})
			if err == nil || !strings.Contains(err.Error(), "use a path, file://, http://, https:// or s3://") {
				t.Errorf("%s: %v", loc, err)
			}
		}
	})
}

// origin serves the file at *path with http.ServeContent (Range, ETag from
// the file's modification time) and records the Range of every request.
type origin struct {
	mu     sync.Mutex
	path   string
	ranges []string
}

func (o *origin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.ranges = append(o.ranges, r.Header.Get("Range"))
	path := o.path
	o.mu.Unlock()
	b, err := os.ReadFile(path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("ETag", `"`+strconv.Itoa(len(b))+`-`+filepath.Base(filepath.Dir(path))+`"`)
	http.ServeContent(w, r, "a.pmtiles", time.Time{}, bytes.NewReader(b))
}

func TestHTTPSource(t *testing.T) {
	t.Parallel()
	ar := pmtilestest.Write(t, "up", 6, 7, lucknow)
	o := &origin{path: ar.Path}
	srv := httptest.NewServer(o)
	t.Cleanup(srv.Close)
	a := open(t, srv.URL+"/up.pmtiles", pmtiles.Options{})
	for mt, stored := range ar.Tiles {
		data, ok, err := a.Tile(context.Background(), uint8(mt.Z), mt.X, mt.Y)
		if err != nil || !ok || !bytes.Equal(data, stored) {
			t.Errorf("tile %v over HTTP: ok %v, %v", mt, ok, err)
		}
	}
	if meta, err := a.Metadata(context.Background()); err != nil || meta["name"] != "UP test extract" {
		t.Errorf("metadata over HTTP: %v, %v", meta, err)
	}
	o.mu.Lock()
	for _, r := range o.ranges {
		if !strings.HasPrefix(r, "bytes=") || r == "bytes=0-"+strconv.FormatInt(ar.Size-1, 10) {
			t.Errorf("read %q: want ranges, never the whole archive", r)
		}
	}
	// The archive is replaced by one with Lucknow at z6 to z8: the next read
	// (a tile found in the old directories) sees another ETag, reloads the
	// header and serves the new archive. Lookups that read nothing (z8 was
	// outside the old zooms) cannot notice a change, so the z6 tile goes first.
	next := pmtilestest.Write(t, "up", 6, 8, lucknow)
	o.path = next.Path
	o.mu.Unlock()
	z6 := maptile.At(orb.Point{lucknow.Lon, lucknow.Lat}, 6)
	if data, ok, err := a.Tile(context.Background(), 6, z6.X, z6.Y); err != nil || !ok || !bytes.Equal(data, next.Tiles[z6]) {
		t.Errorf("first tile after the archive changed: ok %v, %v", ok, err)
	}
	for mt, stored := range next.Tiles {
		data, ok, err := a.Tile(context.Background(), uint8(mt.Z), mt.X, mt.Y)
		if err != nil || !ok || !bytes.Equal(data, stored) {
			t.Errorf("tile %v after the archive changed: ok %v, %v", mt, ok, err)
		}
	}
	if h := a.Header(); h.MaxZoom != 8 {
		t.Errorf("header after the change: max zoom %d, want 8", h.MaxZoom)
	}
}

func TestHTTPSourceRefusesServerWithoutRange(t *testing.T) {
	t.Parallel()
	ar := pmtilestest.Write(t, "up", 6, 6, lucknow)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := os.ReadFile(ar.Path)
		w.Write(b) // 200 and the whole file, Range ignored
	}))
	t.Cleanup(srv.Close)
	_, err := pmtiles.Open(context.Background(), srv.URL+"/up.pmtiles", pmtiles.Options{})
	if err == nil || !strings.Contains(err.Error(), "status 200, want 206") {
		t.Errorf("open: %v, want a refusal naming 206", err)
	}
}

// TestOpenGivesUpOnASilentServer: a server that never answers fails Open
// when the caller's deadline passes (start-up bounds it), not never.
func TestOpenGivesUpOnASilentServer(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := pmtiles.Open(ctx, srv.URL+"/up.pmtiles", pmtiles.Options{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("open: %v, want the deadline's error", err)
	}
}

func TestChangedErrorNamesTheCause(t *testing.T) {
	t.Parallel()
	// The origin changes its ETag on every request, so the retry after the
	// reload fails too and the caller sees ErrChanged.
	ar := pmtilestest.Write(t, "up", 6, 6, lucknow)
	var n int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		w.Header().Set("ETag", `"v`+strconv.Itoa(n)+`"`)
		mu.Unlock()
		http.ServeFile(w, r, ar.Path)
	}))
	t.Cleanup(srv.Close)
	a := open(t, srv.URL+"/up.pmtiles", pmtiles.Options{})
	_, err := a.Metadata(context.Background())
	if !errors.Is(err, pmtiles.ErrChanged) || !strings.Contains(err.Error(), "changed while it was open") {
		t.Errorf("metadata of an archive that keeps changing: %v", err)
	}
}

func TestConcurrentReads(t *testing.T) {
	t.Parallel()
	tiles := manyTiles()
	// A cache of about one leaf, so goroutines evict each other's leaves.
	a := open(t, writeArchive(t, tiles, 100, 7, 7), pmtiles.Options{CacheBytes: 5000 * 24})
	var wg sync.WaitGroup
	for g := range uint32(8) {
		wg.Go(func() {
			for i := range uint32(300) {
				x, y := (i*13+g*31)%128, (i*7+g*17)%128
				data, ok, err := a.Tile(context.Background(), 7, x, y)
				if want := tiles[ref.ZxyToID(7, x, y)]; err != nil || !ok || !bytes.Equal(data, want) {
					t.Errorf("tile 7/%d/%d: ok %v, %v", x, y, ok, err)
					return
				}
			}
		})
	}
	wg.Wait()
}
